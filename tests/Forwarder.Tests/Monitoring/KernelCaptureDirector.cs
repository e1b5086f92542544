using System.Net;
using System.Net.NetworkInformation;
using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Listing;
using Forwarder.Ipvsadm.Naming;
using Forwarder.Ipvsadm.Rules;
using PacketDotNet;

namespace Forwarder.Tests.Monitoring;

/// <summary>
/// An engine in the state of the kernel director that KernelProcNet/capture-proc-net.sh captured: the same
/// topology, table and packets, the clock half a second after them (the kernel's files were read within a
/// second). The firewall-mark service is there too; no packet of the capture was marked.
/// </summary>
internal sealed class KernelCaptureDirector
{
    public const long PacketsAt = 1_700_000_000_000_000;
    public const long ReadAt = PacketsAt + 500_000;

    public const string Rules = """
        -A -t 192.168.1.199:80 -s rr
        -a -t 192.168.1.199:80 -r 192.168.139.30:80 -m -w 1
        -a -t 192.168.1.199:80 -r 192.168.139.31:8080 -m -w 3
        -A -u 192.168.1.199:53 -s wrr
        -a -u 192.168.1.199:53 -r 192.168.139.32:53 -m -w 2
        -A -t 192.168.1.200:443 -s sh -p 300 -M 255.255.255.0
        -a -t 192.168.1.200:443 -r 192.168.139.33:443 -g -w 1
        -a -t 192.168.1.200:443 -r 192.168.139.34:443 -i -w 0
        -A -u 192.168.1.201:5000 -s rr -o
        -a -u 192.168.1.201:5000 -r 192.168.139.35:5000 -m
        -A --sctp-service 192.168.1.202:9000 -s rr
        -a --sctp-service 192.168.1.202:9000 -r 192.168.139.37:9000 -m
        -A -t 192.168.1.199:22 -s lc -p
        -a -t 192.168.1.199:22 -r 192.168.139.30:22 -m -x 100 -y 10
        -A -f 5 -s lc
        -a -f 5 -r 192.168.139.36:0 -g -w 1
        """;

    private const string Topology = """
        interface eth2 02:00:0a:07:ff:fe 10.7.255.254/16 public
        interface eth1 02:00:c0:a8:8b:01 192.168.139.1/24 private
        neighbor 192.168.139.30 02:00:c0:a8:8b:1e eth1
        neighbor 192.168.139.31 02:00:c0:a8:8b:1f eth1
        neighbor 192.168.139.32 02:00:c0:a8:8b:20 eth1
        neighbor 192.168.139.33 02:00:c0:a8:8b:21 eth1
        neighbor 192.168.139.34 02:00:c0:a8:8b:22 eth1
        neighbor 192.168.139.35 02:00:c0:a8:8b:23 eth1
        neighbor 192.168.139.36 02:00:c0:a8:8b:24 eth1
        neighbor 192.168.139.37 02:00:c0:a8:8b:25 eth1
        """;

    /// <summary>The packet sender's lines of the capture job, in its order.</summary>
    private static readonly (bool Tcp, string Source, ushort SourcePort, string Destination, ushort DestinationPort, string Flags)[] Packets =
    [
        (true, "10.7.0.1", 40000, "192.168.1.199", 80, "S"),
        (true, "10.7.0.1", 40001, "192.168.1.199", 80, "S"),
        (true, "10.7.0.2", 40002, "192.168.1.199", 80, "S"),
        (true, "10.7.0.1", 40000, "192.168.1.199", 80, "A"),
        (false, "10.7.0.1", 41000, "192.168.1.199", 53, ""),
        (false, "10.7.0.1", 41000, "192.168.1.199", 53, ""),
        (true, "10.7.0.9", 42000, "192.168.1.200", 443, "S"),
        (false, "10.7.0.1", 43000, "192.168.1.201", 5000, ""),
        (true, "10.7.0.3", 44000, "192.168.1.199", 22, "S"),
        (true, "10.7.0.3", 44000, "192.168.1.199", 22, "R"),
    ];

    /// <param name="rules">The table, the capture's by default.</param>
    public KernelCaptureDirector(string rules = Rules)
    {
        var topology = TopologyParser.Parse(Topology);
        var timeouts = new ConnectionTimeouts();
        var services = new ServiceTable(SchedulerRegistry.Create);
        CommandApplier.ApplyAll(RulesFile.Parse(rules, new IpvsadmParser(ServiceNames.BuiltIn, HostNames.None)), services, timeouts);
        Engine = new DirectorEngine(topology, services, new ConnectionTable(timeouts));
        var output = new OutputBatch();
        var publicIndex = topology.Interfaces.Single(i => i.Role == InterfaceRole.Public).Index;
        var clock = PacketsAt;
        foreach (var packet in Packets)
        {
            output.Clear();
            Engine.Process(Build(packet), publicIndex, clock, output);
            clock += 1_000;
        }
        output.Clear();
        Engine.AdvanceClock(ReadAt, output);
    }

    /// <summary>The capture's table without its SCTP service, which node_exporter's parser does not know (it reads TCP, UDP and FWM lines only).</summary>
    public static string RulesWithoutSctp =>
        string.Join('\n', Rules.Split('\n').Where(line => !line.Contains("--sctp-service", StringComparison.Ordinal)));

    public DirectorEngine Engine { get; }

    public DirectorSnapshotterFor Snapshots => new(Engine);

    /// <summary>As the guest's packet sender makes them: bare IPv4 headers, 20-byte TCP headers, UDP with four payload bytes.</summary>
    private static byte[] Build((bool Tcp, string Source, ushort SourcePort, string Destination, ushort DestinationPort, string Flags) packet)
    {
        Packet transport;
        if (packet.Tcp)
        {
            transport = new TcpPacket(packet.SourcePort, packet.DestinationPort)
            {
                Synchronize = packet.Flags.Contains('S', StringComparison.Ordinal),
                Acknowledgment = packet.Flags.Contains('A', StringComparison.Ordinal),
                Reset = packet.Flags.Contains('R', StringComparison.Ordinal),
                SequenceNumber = 1,
                WindowSize = 64240,
            };
        }
        else
        {
            transport = new UdpPacket(packet.SourcePort, packet.DestinationPort) { PayloadData = [1, 2, 3, 4] };
        }
        var ip = new IPv4Packet(IPAddress.Parse(packet.Source), IPAddress.Parse(packet.Destination)) { TimeToLive = 64, PayloadPacket = transport };
        var ethernet = new EthernetPacket(PhysicalAddress.Parse("02-00-0A-07-00-01"), PhysicalAddress.Parse("02-00-0A-07-FF-FE"), EthernetType.IPv4)
        {
            PayloadPacket = ip,
        };
        ethernet.UpdateCalculatedValues();
        if (transport is TcpPacket tcp)
        {
            tcp.UpdateTcpChecksum();
        }
        else
        {
            ((UdpPacket)transport).UpdateUdpChecksum();
        }
        ip.UpdateIPChecksum();
        return ethernet.Bytes;
    }
}
