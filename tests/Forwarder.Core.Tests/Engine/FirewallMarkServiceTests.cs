using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Marking;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Tests.Engine;

/// <summary>
/// Firewall-mark services: packets marked by the marks file's rules go to the service of their mark, as
/// ip_vs_service_find tries the mark first; persistence is one template per client for every port the mark groups.
/// </summary>
public sealed class FirewallMarkServiceTests
{
    private const string Topology = """
        interface eth2 02:00:00:00:00:02 192.168.1.1/24 public
        interface eth1 02:00:00:00:00:01 192.168.139.1/24 private
        neighbor 192.168.139.129 00:0c:29:00:01:29 eth1
        neighbor 192.168.139.130 00:0c:29:00:01:30 eth1
        neighbor 192.168.139.131 00:0c:29:00:01:31 eth1
        neighbor 192.168.1.50 00:50:56:00:00:50 eth2
        neighbor 192.168.1.51 00:50:56:00:00:51 eth2
        """;

    private const string Marks = """
        *mangle
        :PREROUTING ACCEPT [0:0]
        -A PREROUTING -d 192.168.1.199/32 -p tcp -m multiport --dports 80,443 -j MARK --set-xmark 0x1/0xffffffff
        -A PREROUTING -d 192.168.1.200/32 -p udp -m udp --dport 53 -j MARK --set-mark 2
        COMMIT
        """;

    private const long Start = 1_700_000_000_000_000;
    private const long Second = 1_000_000;
    private static readonly MacAddress PublicMac = Frame.Mac("02:00:00:00:00:02");
    private static readonly MacAddress ClientMac = Frame.Mac("00:50:56:00:00:50");
    private static readonly ServiceKey Web = ServiceKey.ForFirewallMark(1);

    private ServiceTable _services = null!;
    private ConnectionTable _connections = null!;
    private DirectorEngine _engine = null!;
    private readonly OutputBatch _output = new();

    private void Build(string scheduler = "rr", int? persistence = null, ushort serverPort = 0)
    {
        _services = new ServiceTable(SchedulerRegistry.Create);
        var topology = TopologyParser.Parse(Topology);
        var problems = new List<MarksProblem>();
        _services.FirewallMarks = MarkRuleSet.Compile(MarksFileParser.Parse(Marks).Rules, topology.Interfaces.Select(i => i.Name).ToList(), problems);
        Assert.That(problems, Is.Empty);
        _services.AddService(new ServiceSpec(Web, scheduler, persistence));
        foreach (var octet in new[] { 129, 130, 131 })
        {
            _services.AddDestination(Web, new DestinationSpec(Ipv4Address.Parse($"192.168.139.{octet}"), serverPort, ForwardingMethod.Masquerade));
        }
        _connections = new ConnectionTable(new ConnectionTimeouts());
        _engine = new DirectorEngine(topology, _services, _connections);
    }

    /// <summary>Sends a SYN and returns where it went: the real server's address and port.</summary>
    private (string Server, ushort Port) Syn(string client, ushort clientPort, ushort port, long time = Start, string vip = "192.168.1.199")
    {
        _output.Clear();
        var outcome = _engine.Process(Frame.Tcp(ClientMac, PublicMac, client, clientPort, vip, port, syn: true), 0, time, _output);
        Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded), $"{client}:{clientPort} -> {vip}:{port}");
        var sent = Frame.ParseIpv4(_output.FrameAt(0));
        return (sent.DestinationAddress.ToString(), Frame.ParseTcp(_output.FrameAt(0)).DestinationPort);
    }

    [Test]
    public void MarkedPorts_AreOneService_Scheduled_RoundRobin_KeepingThePacketsPort()
    {
        Build();

        Assert.That(new[] { Syn("192.168.1.50", 40000, 80), Syn("192.168.1.50", 40001, 443), Syn("192.168.1.50", 40002, 80) },
            Is.EqualTo(new[] { ("192.168.139.131", (ushort)80), ("192.168.139.130", (ushort)443), ("192.168.139.129", (ushort)80) }));
    }

    [Test]
    public void UnmarkedPackets_ToTheVip_AreNotOurs()
    {
        Build();
        _output.Clear();

        var outcome = _engine.Process(Frame.Tcp(ClientMac, PublicMac, "192.168.1.50", 40000, "192.168.1.199", 22, syn: true), 0, Start, _output);

        Assert.That(outcome, Is.Not.EqualTo(FrameOutcome.Forwarded));
        Assert.That(_connections.Count, Is.Zero);
    }

    [Test]
    public void Persistence_SendsOneClientsHttpAndHttps_ToOneServer_WithOneTemplateForTheMark()
    {
        Build(persistence: 300);

        var http = Syn("192.168.1.50", 40000, 80);
        var https = Syn("192.168.1.50", 40001, 443, Start + Second);
        var other = Syn("192.168.1.51", 40000, 443, Start + 2 * Second);
        var httpAgain = Syn("192.168.1.50", 40002, 80, Start + 3 * Second);

        Assert.Multiple(() =>
        {
            Assert.That(https.Server, Is.EqualTo(http.Server));
            Assert.That(httpAgain.Server, Is.EqualTo(http.Server));
            Assert.That(other.Server, Is.Not.EqualTo(http.Server));
            Assert.That((https.Port, httpAgain.Port), Is.EqualTo(((ushort)443, (ushort)80)));
            var templates = _connections.Snapshot(Start + 3 * Second).Where(c => c.IsTemplate).ToList();
            Assert.That(templates.Select(t => ((byte)t.Protocol, t.VirtualAddress, t.VirtualPort, t.ClientPort, t.DestinationPort)).Distinct(),
                Is.EqualTo(new[] { ((byte)0, InetAddress.FromIpv4(1), (ushort)0, (ushort)0, (ushort)0) }), "<IPPROTO_IP, client, 0, mark, 0, server, 0>");
            Assert.That(templates, Has.Count.EqualTo(2), "one per client");
        });
    }

    [Test]
    public void DestinationHashing_OverAMarkService_ChoosesByTheVipForEveryPort()
    {
        Build(scheduler: "dh");

        var http = Syn("192.168.1.50", 40000, 80);
        var https = Syn("192.168.1.51", 40001, 443);

        Assert.That(https.Server, Is.EqualTo(http.Server), "dh hashes the destination address, the same for both ports");
    }

    [Test]
    public void ServerWithAPort_TakesEveryMarkedPortToIt()
    {
        Build(serverPort: 8080);

        Assert.That(Syn("192.168.1.50", 40000, 443).Port, Is.EqualTo(8080));
    }

    [Test]
    public void PersistentService_KeepsThePacketsPort_EvenForAServerWithAPort()
    {
        Build(persistence: 300, serverPort: 8080);

        Assert.That(Syn("192.168.1.50", 40000, 443).Port, Is.EqualTo(443));
    }

    /// <summary>
    /// What Linux 6.1 did with the same table and packets (marked by SO_MARK on a raw socket of the director's own,
    /// which IPVS takes at LOCAL_OUT): mark 1 to FWM 1 whatever the address and port (a TCP service of the same
    /// address and port included), no mark to the TCP service, mark 2 to FWM 2; one template per client for FWM 1.
    /// </summary>
    [Test]
    public void TheKernelsOwnRun_SameChoicesAndPorts()
    {
        _services = new ServiceTable(SchedulerRegistry.Create);
        var topology = TopologyParser.Parse("""
            interface eth2 02:00:0a:07:ff:fe 10.7.255.254/16 public
            interface eth1 02:00:c0:a8:8b:01 192.168.139.1/24 private
            neighbor 192.168.139.2 02:00:c0:a8:8b:02 eth1
            neighbor 192.168.139.3 02:00:c0:a8:8b:03 eth1
            neighbor 192.168.139.4 02:00:c0:a8:8b:04 eth1
            neighbor 192.168.139.5 02:00:c0:a8:8b:05 eth1
            neighbor 192.168.139.6 02:00:c0:a8:8b:06 eth1
            neighbor 192.168.139.7 02:00:c0:a8:8b:07 eth1
            neighbor 192.168.139.8 02:00:c0:a8:8b:08 eth1
            neighbor 192.168.139.9 02:00:c0:a8:8b:09 eth1
            neighbor 10.7.0.5 02:00:0a:07:00:01 eth2
            neighbor 10.7.0.6 02:00:0a:07:00:01 eth2
            neighbor 10.7.0.7 02:00:0a:07:00:01 eth2
            neighbor 10.7.0.8 02:00:0a:07:00:01 eth2
            neighbor 10.7.0.9 02:00:0a:07:00:01 eth2
            """);
        _services.FirewallMarks = MarkRuleSet.Compile(MarksFileParser.Parse("""
            -A PREROUTING -s 10.7.0.5/32 -j MARK --set-mark 1
            -A PREROUTING -s 10.7.0.6/32 -j MARK --set-mark 1
            -A PREROUTING -s 10.7.0.7/32 -j MARK --set-mark 1
            -A PREROUTING -s 10.7.0.9/32 -j MARK --set-mark 2
            """).Rules, ["eth2", "eth1"], new List<MarksProblem>());
        var one = ServiceKey.ForFirewallMark(1);
        var two = ServiceKey.ForFirewallMark(2);
        var tcp = new ServiceKey(IpProtocol.Tcp, Ipv4Address.Parse("192.168.1.199").Value, 80);
        _services.AddService(new ServiceSpec(one, "rr", 300));
        _services.AddDestination(one, new DestinationSpec(Ipv4Address.Parse("192.168.139.2"), 0, ForwardingMethod.Masquerade));
        _services.AddDestination(one, new DestinationSpec(Ipv4Address.Parse("192.168.139.3"), 0, ForwardingMethod.Masquerade));
        _services.AddDestination(one, new DestinationSpec(Ipv4Address.Parse("192.168.139.4"), 8080, ForwardingMethod.Masquerade));
        _services.AddService(new ServiceSpec(tcp, "rr"));
        _services.AddDestination(tcp, new DestinationSpec(Ipv4Address.Parse("192.168.139.9"), 80, ForwardingMethod.Masquerade));
        _services.AddService(new ServiceSpec(two, "rr"));
        _services.AddDestination(two, new DestinationSpec(Ipv4Address.Parse("192.168.139.5"), 0, ForwardingMethod.DirectRoute));
        _services.AddDestination(two, new DestinationSpec(Ipv4Address.Parse("192.168.139.6"), 0, ForwardingMethod.DirectRoute));
        _connections = new ConnectionTable(new ConnectionTimeouts());
        _engine = new DirectorEngine(topology, _services, _connections);
        var mac = Frame.Mac("02:00:0a:07:ff:fe");
        (string Client, ushort Port, string Vip, ushort VirtualPort)[] packets =
        [
            ("10.7.0.5", 1025, "192.168.1.199", 80), ("10.7.0.5", 1026, "192.168.1.199", 443), ("10.7.0.6", 1025, "192.168.1.199", 443),
            ("10.7.0.6", 1026, "192.168.1.199", 80), ("10.7.0.7", 1027, "192.168.1.200", 22), ("10.7.0.8", 1028, "192.168.1.199", 80),
            ("10.7.0.9", 1029, "192.168.1.199", 80), ("10.7.0.9", 1030, "192.168.1.199", 80),
        ];
        foreach (var (client, port, vip, virtualPort) in packets)
        {
            _output.Clear();
            _engine.Process(Frame.Tcp(Frame.Mac("02:00:0a:07:00:01"), mac, client, port, vip, virtualPort, syn: true), 0, Start, _output);
        }

        var entries = _connections.Snapshot(Start).Select(c => $"{(c.IsTemplate ? "IP " : "TCP")} {c.ClientAddress}:{c.ClientPort} " +
            $"{c.VirtualAddress}:{c.VirtualPort} {c.DestinationAddress}:{c.DestinationPort}");
        // ipvsadm -Lnc of the kernel's run, its state and expiry columns left out.
        Assert.That(entries, Is.EquivalentTo(new[]
        {
            "TCP 10.7.0.5:1025 192.168.1.199:80 192.168.139.4:80", "TCP 10.7.0.9:1030 192.168.1.199:80 192.168.139.5:80",
            "IP  10.7.0.6:0 0.0.0.1:0 192.168.139.3:0", "TCP 10.7.0.6:1025 192.168.1.199:443 192.168.139.3:443",
            "IP  10.7.0.7:0 0.0.0.1:0 192.168.139.2:0", "TCP 10.7.0.5:1026 192.168.1.199:443 192.168.139.4:443",
            "TCP 10.7.0.9:1029 192.168.1.199:80 192.168.139.6:80", "IP  10.7.0.5:0 0.0.0.1:0 192.168.139.4:0",
            "TCP 10.7.0.6:1026 192.168.1.199:80 192.168.139.3:80", "TCP 10.7.0.8:1028 192.168.1.199:80 192.168.139.9:80",
            "TCP 10.7.0.7:1027 192.168.1.200:22 192.168.139.2:22",
        }));
    }

    [Test]
    public void TheMarkIsTriedFirst_BeforeATcpServiceOfTheSameAddressAndPort()
    {
        Build();
        var tcp = new ServiceKey(IpProtocol.Tcp, Ipv4Address.Parse("192.168.1.199").Value, 80);
        _services.AddService(new ServiceSpec(tcp, "rr"));
        var tcpServer = _services.AddDestination(tcp, new DestinationSpec(Ipv4Address.Parse("192.168.139.129"), 80, ForwardingMethod.Masquerade));

        Syn("192.168.1.50", 40000, 80);
        Syn("192.168.1.50", 40001, 80);

        Assert.That(tcpServer.Counters.Connections, Is.Zero);
        Assert.That(_services.Services.Single(s => s.Key == Web).Counters.Connections, Is.EqualTo(2));
    }

    [Test]
    public void ArpForAMarkedVip_IsAnswered_OnlyWhileItsMarkHasAService()
    {
        Build();
        _output.Clear();

        var answered = _engine.Process(Frame.ArpRequest(ClientMac, "192.168.1.50", "192.168.1.199"), 0, Start, _output);
        var unserved = _engine.Process(Frame.ArpRequest(ClientMac, "192.168.1.50", "192.168.1.200"), 0, Start, _output);

        Assert.That(answered, Is.EqualTo(FrameOutcome.Answered));
        Assert.That(unserved, Is.Not.EqualTo(FrameOutcome.Answered));
    }

    [Test]
    public void StateFile_KeepsAMarkServicesConnectionsAndTemplates_AcrossARestart()
    {
        Build(persistence: 300);
        var http = Syn("192.168.1.50", 40000, 80);
        var text = ConnectionStateFormat.Write(_connections.Snapshot(Start), 0);
        var services = _services;
        Build(persistence: 300);

        var report = _engine.RestoreConnections(ConnectionStateFormat.Parse(text, 100, out _), Start, 0);

        Assert.That(text, Does.Contain(" ip 192.168.1.50:0 0.0.0.1:0 ").And.Contain(" fwm:1 "));
        Assert.That((report.Connections, report.Templates), Is.EqualTo((1, 1)));
        Assert.That(Syn("192.168.1.50", 40001, 443, Start + Second).Server, Is.EqualTo(http.Server), "the restored template still pins the client");
        Assert.That(services, Is.Not.SameAs(_services));
    }

    [Test]
    public void ClassifyingAndForwarding_AnEstablishedMarkedFlow_AllocatesNothing()
    {
        Build(persistence: 300);
        Syn("192.168.1.50", 40000, 443);
        var ack = Frame.Tcp(ClientMac, PublicMac, "192.168.1.50", 40000, "192.168.1.199", 443, ack: true);
        var syn = Frame.Tcp(ClientMac, PublicMac, "192.168.1.50", 40001, "192.168.1.199", 80, syn: true);
        _output.Clear();
        _engine.Process(ack, 0, Start + 1, _output);
        _engine.Process(syn, 0, Start + 2, _output);
        var rst = Frame.Tcp(ClientMac, PublicMac, "192.168.1.50", 40001, "192.168.1.199", 80, rst: true);
        _engine.Process(rst, 0, Start + 3, _output);

        var from = Start + 10;

        var allocated = SteadyAllocation.BytesPerPass(() =>
        {
            ProcessMany(ack, from);
            from += 1000;
        });

        Assert.That(allocated, Is.Zero);
    }

    private void ProcessMany(byte[] frame, long from)
    {
        for (var i = 0; i < 1000; i++)
        {
            _output.Clear();
            _engine.Process(frame, 0, from + i, _output);
        }
    }
}
