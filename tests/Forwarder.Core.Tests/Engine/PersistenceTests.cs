using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Tests.Engine;

/// <summary>Persistence (-p, -M) as ip_vs_sched_persist: a template pins a (masked) client to its real server.</summary>
public sealed class PersistenceTests
{
    private const string Topology = """
        interface eth2 02:00:00:00:00:02 192.168.1.1/24 public
        interface eth1 02:00:00:00:00:01 192.168.139.1/24 private
        neighbor 192.168.139.129 00:0c:29:00:01:29 eth1
        neighbor 192.168.139.130 00:0c:29:00:01:30 eth1
        neighbor 192.168.139.131 00:0c:29:00:01:31 eth1
        neighbor 192.168.1.50 00:50:56:00:00:50 eth2
        neighbor 192.168.1.51 00:50:56:00:00:51 eth2
        neighbor 192.168.1.60 00:50:56:00:00:60 eth2
        """;

    private const long Start = 1_700_000_000_000_000;
    private const long Second = 1_000_000;
    private static readonly MacAddress PublicMac = Frame.Mac("02:00:00:00:00:02");
    private static readonly ServiceKey Key = new(IpProtocol.Tcp, Ipv4Address.Parse("192.168.1.199").Value, 80);

    private ServiceTable _services = null!;
    private ConnectionTable _connections = null!;
    private DirectorEngine _engine = null!;
    private readonly OutputBatch _output = new();

    private void Build(int persistence, string mask = "255.255.255.255", EngineSettings? settings = null)
    {
        _services = new ServiceTable(SchedulerRegistry.Create);
        _services.AddService(new ServiceSpec(Key, "rr", persistence, Ipv4Address.Parse(mask).Value));
        foreach (var octet in new[] { 129, 130, 131 })
        {
            _services.AddDestination(Key, new DestinationSpec(Ipv4Address.Parse($"192.168.139.{octet}"), 80, ForwardingMethod.Masquerade));
        }
        _connections = new ConnectionTable(new ConnectionTimeouts());
        _engine = new DirectorEngine(TopologyParser.Parse(Topology), _services, _connections, settings);
    }

    /// <summary>Sends a SYN and returns the real server it was sent to.</summary>
    private string Syn(string client, ushort port, long time)
    {
        _output.Clear();
        var outcome = _engine.Process(Frame.Tcp(Frame.Mac("00:50:56:00:00:50"), PublicMac, client, port, "192.168.1.199", 80, syn: true), 0, time, _output);
        Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
        return Frame.ParseIpv4(_output.FrameAt(0)).DestinationAddress.ToString();
    }

    private Destination Server(string address) =>
        _services.Services.Single().FindDestination(Ipv4Address.Parse(address), 80)!;

    [Test]
    public void PersistentClient_KeepsItsServerAcrossConnections_WhileRrWouldRotate()
    {
        Build(persistence: 300);
        var first = Syn("192.168.1.50", 40000, Start);
        var second = Syn("192.168.1.50", 40001, Start + Second);
        var third = Syn("192.168.1.50", 40002, Start + (2 * Second));
        var other = Syn("192.168.1.51", 40000, Start + (3 * Second));

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo("192.168.139.131"), "rr's first choice: the last added");
            Assert.That(second, Is.EqualTo(first));
            Assert.That(third, Is.EqualTo(first));
            Assert.That(other, Is.EqualTo("192.168.139.130"), "another client is scheduled: rr moves on");
            Assert.That(Server("192.168.139.131").PersistentConnections, Is.EqualTo(1), "one template for the first client");
            Assert.That(Server("192.168.139.131").ActiveConnections, Is.EqualTo(3), "three SYN_RECV flows, active from the SYN; the template is not counted");
            Assert.That(Server("192.168.139.131").InactiveConnections, Is.Zero);
        });
    }

    [Test]
    public void Netmask_GroupsClientsOfOneNetwork()
    {
        Build(persistence: 300, mask: "255.255.255.0");
        var first = Syn("192.168.1.50", 40000, Start);
        var neighbour = Syn("192.168.1.60", 40000, Start + Second);

        Assert.That(neighbour, Is.EqualTo(first), "192.168.1.0/24 shares one template");
        var template = _connections.Slots().Single(s => _connections[s].IsTemplate);
        Assert.Multiple(() =>
        {
            Assert.That(_connections[template].ClientAddress.AsIpv4().ToString(), Is.EqualTo("192.168.1.0"));
            Assert.That(_connections[template].ClientPort, Is.Zero);
        });
    }

    [Test]
    public void Template_OutlivesItsTimeoutWhileItControlsConnections_ThenExpires()
    {
        Build(persistence: 10);
        var first = Syn("192.168.1.50", 40000, Start);
        // The SYN_RECV connection lives 60 s; the template's own 10 s run out first but it must hold.
        _engine.AdvanceClock(Start + (30 * Second), _output);
        Assert.That(Syn("192.168.1.50", 40001, Start + (30 * Second)), Is.EqualTo(first), "pinned while it controls a connection");

        // Both connections go (SYN_RECV, 60 s), then the template's own timeout (10 s after it was last renewed).
        _engine.AdvanceClock(Start + (91 * Second), _output);
        Assert.That(_connections.Slots().Count(s => !_connections[s].IsTemplate), Is.Zero);
        Assert.That(_connections.Slots().Count(s => _connections[s].IsTemplate), Is.EqualTo(1), "waits its own timeout after the last connection");
        _engine.AdvanceClock(Start + (102 * Second), _output);
        Assert.Multiple(() =>
        {
            Assert.That(_connections.Count, Is.Zero);
            Assert.That(Server(first).PersistentConnections, Is.Zero);
        });
    }

    [Test]
    public void RemovedServer_NoLongerHoldsItsClients()
    {
        Build(persistence: 300);
        var first = Syn("192.168.1.50", 40000, Start);
        _services.DeleteDestination(Key, Ipv4Address.Parse(first), 80);
        var next = Syn("192.168.1.50", 40001, Start + Second);

        Assert.That(next, Is.Not.EqualTo(first));
        Assert.That(Syn("192.168.1.50", 40002, Start + (2 * Second)), Is.EqualTo(next), "a new template pins the new choice");
    }

    [Test]
    public void QuiescentServer_KeepsItsPersistentClients_AsTheKernelDefault()
    {
        Build(persistence: 300);
        var first = Syn("192.168.1.50", 40000, Start);
        _services.EditDestination(Key, new DestinationSpec(Ipv4Address.Parse(first), 80, ForwardingMethod.Masquerade, Weight: 0));

        Assert.Multiple(() =>
        {
            Assert.That(Syn("192.168.1.50", 40001, Start + Second), Is.EqualTo(first), "expire_quiescent_template is off by default");
            Assert.That(Syn("192.168.1.51", 40000, Start + (2 * Second)), Is.Not.EqualTo(first), "no new client goes to a quiescent server");
        });
    }

    [Test]
    public void QuiescentServer_UnderExpireQuiescentTemplate_NoLongerHoldsItsClients()
    {
        // Linux 6.1 with expire_quiescent_template=1: after -w 0 the client's next SYN went to the other
        // server, under a new template.
        Build(persistence: 300, settings: new EngineSettings { ExpireQuiescentTemplates = true });
        var first = Syn("192.168.1.50", 40000, Start);
        _services.EditDestination(Key, new DestinationSpec(Ipv4Address.Parse(first), 80, ForwardingMethod.Masquerade, Weight: 0));

        var next = Syn("192.168.1.50", 40001, Start + Second);

        Assert.Multiple(() =>
        {
            Assert.That(next, Is.Not.EqualTo(first));
            Assert.That(Syn("192.168.1.50", 40002, Start + (2 * Second)), Is.EqualTo(next), "the new template pins the new choice");
        });
    }

    [Test]
    public void InvalidatedTemplate_StaysListedWithPort65535_UntilItsOwnTimeoutRunsOut()
    {
        // Linux 6.1: once its server was removed, the old template was listed as
        // "TCP 04:58 NONE 10.7.0.2:0 192.168.1.113:65535 192.168.139.10:65535" beside the new one.
        Build(persistence: 300);
        var first = Syn("192.168.1.50", 40000, Start);
        _services.DeleteDestination(Key, Ipv4Address.Parse(first), 80);
        var next = Syn("192.168.1.50", 40001, Start + Second);

        var templates = _connections.Slots().Where(s => _connections[s].IsTemplate).Select(s => _connections[s]).ToList();
        var old = templates.Single(t => t.DestinationAddress.AsIpv4().ToString() == first);
        var current = templates.Single(t => t.DestinationAddress.AsIpv4().ToString() == next);
        Assert.Multiple(() =>
        {
            Assert.That((old.VirtualPort, old.DestinationPort, old.ClientPort), Is.EqualTo(((ushort)65535, (ushort)65535, (ushort)0)));
            Assert.That((current.VirtualPort, current.DestinationPort), Is.EqualTo(((ushort)80, (ushort)80)));
            Assert.That(old.ExpiresAt, Is.EqualTo(Start + (300 * Second)), "its timer was not restarted");
        });

        // The removed server's SYN_RECV connection (60 s) has ended by then, so the old template goes at 300 s.
        _connections.ExpireExactly(Start + (300 * Second));
        Assert.That(_connections.Slots().Count(s => _connections[s].IsTemplate), Is.EqualTo(1));
    }
}
