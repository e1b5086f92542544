using System.Net;
using System.Net.NetworkInformation;
using Forwarder.Capture.Live;
using Forwarder.Commands;
using Forwarder.Core.Engine;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;
using Forwarder.Director;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Listing;
using PacketDotNet;

namespace Forwarder.Lab.Tests.Director;

/// <summary>
/// The real live loop, engine and command queue over two <see cref="ScriptedPort"/>s: a NAT service 10.250.0.9:80 on
/// one real server, the client side on eth2. The loop runs on a thread of its own; <see cref="Dispose"/> stops it.
/// </summary>
internal sealed class LoopUnderTest : IDisposable
{
    public const long Start = 1_700_000_000_000_000;

    private const string TopologyText = """
        interface eth1 02:00:00:00:01:01 10.250.1.1/24 private
        interface eth2 02:00:00:00:02:01 10.250.0.1/24 public
        neighbor 10.250.1.9 02:00:00:00:01:09 eth1
        neighbor 10.250.0.2 02:00:00:00:02:02 eth2
        route default via 10.250.0.2
        """;

    private const string Rules = "-A -t 10.250.0.9:80 -s rr\n-a -t 10.250.0.9:80 -r 10.250.1.9:80 -m\n";

    private readonly CancellationTokenSource _stop = new();

    public LoopUnderTest()
    {
        Topology = TopologyParser.Parse(TopologyText);
        Engine = DirectorSetup.Build(Topology, Rules);
    }

    public DirectorTopology Topology { get; }

    public DirectorEngine Engine { get; }

    public ScriptedPort Public { get; } = new("eth2");

    public ScriptedPort Private { get; } = new("eth1");

    public EngineCommandQueue Commands { get; } = new();

    /// <summary>The loop's thread, once started.</summary>
    public Thread? Loop { get; private set; }

    /// <summary>Runs before the loop is waited for at <see cref="Dispose"/>: what the test holds up, let go.</summary>
    public Action? BeforeJoin { get; set; }

    public LiveDirector StartLoop(OutputBatch? output = null, bool sendingThreads = false)
    {
        var ports = new IDirectorPort[2];
        ports[Topology.Public.Index] = Public;
        ports[Topology.Private.Index] = Private;
        var director = new LiveDirector(Engine, ports, Commands,
            new IpvsadmExecutor(DirectorState.FromEngine(Engine, new ServiceRateEstimators())),
            output: output ?? new OutputBatch(pinned: true), sendingThreads: sendingThreads);
        Loop = new Thread(() =>
        {
            using (director)
            {
                director.Run(_stop.Token);
            }
        })
        { IsBackground = true, Name = "live loop under test" };
        Loop.Start();
        return director;
    }

    /// <summary>Asks the loop to stop, without waiting.</summary>
    public void RequestStop() => _stop.Cancel();

    public void Dispose()
    {
        _stop.Cancel();
        BeforeJoin?.Invoke();
        Assert.That(Loop?.Join(TimeSpan.FromSeconds(30)) ?? true, Is.True, "the loop stopped");
        _stop.Dispose();
        Public.Dispose();
        Private.Dispose();
    }

    /// <summary>Client <paramref name="client"/>'s SYN to the service, arriving on eth2.</summary>
    public static byte[] Syn(int client) =>
        Frame("02:00:00:00:02:02", "02:00:00:00:02:01", ClientAddress(client), "10.250.0.9", ClientPort(client), 80, synAck: false);

    /// <summary>The real server's SYN-ACK to client <paramref name="client"/>, arriving on eth1.</summary>
    public static byte[] SynAck(int client) =>
        Frame("02:00:00:00:01:09", "02:00:00:00:01:01", "10.250.1.9", ClientAddress(client), 80, ClientPort(client), synAck: true);

    public static ushort ClientPort(int client) => (ushort)(40_000 + client);

    private static string ClientAddress(int client) => $"198.18.{client / 250}.{(client % 250) + 1}";

    private static byte[] Frame(string sourceMac, string destinationMac, string source, string destination, ushort sourcePort, ushort destinationPort, bool synAck)
    {
        var tcp = new TcpPacket(sourcePort, destinationPort) { Synchronize = true, Acknowledgment = synAck, SequenceNumber = 1000, AcknowledgmentNumber = synAck ? 1001u : 0u, WindowSize = 64240 };
        var ip = new IPv4Packet(IPAddress.Parse(source), IPAddress.Parse(destination)) { TimeToLive = 64, PayloadPacket = tcp };
        var ethernet = new EthernetPacket(PhysicalAddress.Parse(sourceMac.Replace(':', '-')), PhysicalAddress.Parse(destinationMac.Replace(':', '-')), EthernetType.IPv4) { PayloadPacket = ip };
        ip.UpdateCalculatedValues();
        tcp.UpdateTcpChecksum();
        ip.UpdateIPChecksum();
        return ethernet.Bytes.ToArray();
    }
}
