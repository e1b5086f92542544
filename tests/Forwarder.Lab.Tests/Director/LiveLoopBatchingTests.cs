using System.Net;
using System.Net.NetworkInformation;
using Forwarder.Capture.Live;
using Forwarder.Commands;
using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;
using Forwarder.Director;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Listing;
using PacketDotNet;

namespace Forwarder.Lab.Tests.Director;

/// <summary>
/// The live loop's batching, on the real loop, engine and command queue with in-memory interfaces: what one round
/// reads from both interfaces leaves in one transmit per interface, a command arriving mid-round runs after the
/// round's frames and before the next round's, a batch that fills up is sent mid-round, and a transmit with no room
/// for every frame counts the rest and goes on.
/// </summary>
[TestFixture]
public sealed class LiveLoopBatchingTests
{
    private const string TopologyText = """
        interface eth1 02:00:00:00:01:01 10.250.1.1/24 private
        interface eth2 02:00:00:00:02:01 10.250.0.1/24 public
        neighbor 10.250.1.9 02:00:00:00:01:09 eth1
        neighbor 10.250.0.2 02:00:00:00:02:02 eth2
        route default via 10.250.0.2
        """;

    private const string Rules = "-A -t 10.250.0.9:80 -s rr\n-a -t 10.250.0.9:80 -r 10.250.1.9:80 -m\n";
    private const long Start = 1_700_000_000_000_000;

    private DirectorTopology _topology = null!;
    private DirectorEngine _engine = null!;
    private ScriptedPort _public = null!;
    private ScriptedPort _private = null!;
    private EngineCommandQueue _commands = null!;
    private CancellationTokenSource _stop = null!;
    private Thread? _loop;

    [SetUp]
    public void CreateDirector()
    {
        _topology = TopologyParser.Parse(TopologyText);
        _engine = DirectorSetup.Build(_topology, Rules);
        _public = new ScriptedPort("eth2");
        _private = new ScriptedPort("eth1");
        _commands = new EngineCommandQueue();
        _stop = new CancellationTokenSource();
    }

    [TearDown]
    public void StopDirector()
    {
        _stop.Cancel();
        Assert.That(_loop?.Join(TimeSpan.FromSeconds(30)) ?? true, Is.True, "the loop stopped");
        _stop.Dispose();
        _public.Dispose();
        _private.Dispose();
    }

    [Test]
    public void ARoundWithFramesForBothInterfaces_LeavesInOneTransmitEach()
    {
        // Client 1's connection exists; its server's SYN-ACK and client 2's SYN wait on the two interfaces together.
        var output = new OutputBatch();
        Assert.That(_engine.Process(Syn(1), _topology.Public.Index, Start, output), Is.EqualTo(FrameOutcome.Forwarded));
        _private.Enqueue(SynAck(1), Start + 10);
        _public.Enqueue(Syn(2), Start + 20);

        var director = StartLoop();

        Assert.That(SpinWait.SpinUntil(() => _public.Sent == 1 && _private.Sent == 1, TimeSpan.FromSeconds(30)), Is.True, "both frames forwarded");
        Assert.That(director.Batching.Rounds, Is.EqualTo(1), "one round read both");
        Assert.That(_public.Transmits.Single(), Has.Length.EqualTo(1), "the SYN-ACK, to the client, in one transmit");
        Assert.That(_private.Transmits.Single(), Has.Length.EqualTo(1), "the SYN, to the real server, in one transmit");
        Assert.That(new IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(_public.Transmits.Single()[0], 14, 20)).SourceAddress,
            Is.EqualTo(IPAddress.Parse("10.250.0.9")), "the reply left rewritten to the virtual address");
    }

    [Test]
    public void ACommandArrivingMidRound_RunsAfterThatRoundsFrames_AndBeforeTheNext()
    {
        const int Frames = 100;
        for (var i = 0; i < Frames; i++)
        {
            _public.Enqueue(Syn(i), Start + i);
        }
        Task<long>? step = null;
        // Submitted on the loop's own thread while it reads the tenth frame of its first round.
        _public.AfterRead = read =>
        {
            if (read == 10)
            {
                step = _commands.RunOnEngineAsync(() => _public.Received, CancellationToken.None);
            }
        };

        StartLoop();

        Assert.That(SpinWait.SpinUntil(() => _private.Sent == Frames, TimeSpan.FromSeconds(30)), Is.True, "every SYN forwarded");
        Assert.That(step!.Wait(TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(step.Result, Is.EqualTo(LiveDirector.FramesPerInterfaceAndRound), "the command saw the whole first round and nothing of the second");
    }

    [Test]
    public void AnOutputBatchFillingUp_IsSentMidRound_AndNoFrameIsLost()
    {
        const int Frames = 64;
        for (var i = 0; i < Frames; i++)
        {
            _public.Enqueue(Syn(i), Start + i);
        }

        var director = StartLoop(new OutputBatch(pinned: true, maximumFrames: 32));

        Assert.That(SpinWait.SpinUntil(() => _private.Sent == Frames, TimeSpan.FromSeconds(30)), Is.True, "every SYN forwarded");
        Assert.That(director.Batching.Rounds, Is.EqualTo(1));
        Assert.That(_private.Transmits.Count, Is.GreaterThan(1), "sent before the batch was full");
        Assert.That(_private.Transmits.Select(t => t.Length), Has.All.LessThanOrEqualTo(32));
        Assert.That(_engine.Counters.NonZero().Select(c => c.Outcome), Is.EquivalentTo(new[] { FrameOutcome.Forwarded }));
    }

    [Test]
    public void ATransmitWithNoRoomForEveryFrame_CountsTheRest_AndTheLoopGoesOn()
    {
        _private.AcceptsPerTransmit = 5;
        for (var i = 0; i < 20; i++)
        {
            _public.Enqueue(Syn(i), Start + i);
        }

        var director = StartLoop();

        Assert.That(SpinWait.SpinUntil(() => _private.Sent + _private.SendFailures == 20, TimeSpan.FromSeconds(30)), Is.True);
        Assert.That((_private.Sent, _private.SendFailures), Is.EqualTo((5L, 15L)));
        // The next round's frames still go, and the counters say what was lost.
        _private.AcceptsPerTransmit = null;
        _public.Enqueue(Syn(100), Start + 100);
        Assert.That(SpinWait.SpinUntil(() => _private.Sent == 6, TimeSpan.FromSeconds(30)), Is.True, "the loop went on");
        Assert.That(director.Counters(), Does.Contain("eth1 send-failures 15\n").And.Contain("eth1 sent 6\n"));
    }

    private LiveDirector StartLoop(OutputBatch? output = null)
    {
        var ports = new IDirectorPort[2];
        ports[_topology.Public.Index] = _public;
        ports[_topology.Private.Index] = _private;
        var director = new LiveDirector(_engine, ports, _commands,
            new IpvsadmExecutor(DirectorState.FromEngine(_engine, new ServiceRateEstimators())), output: output ?? new OutputBatch(pinned: true));
        _loop = new Thread(() =>
        {
            using (director)
            {
                director.Run(_stop.Token);
            }
        })
        { IsBackground = true, Name = "live loop under test" };
        _loop.Start();
        return director;
    }

    private static byte[] Syn(int client) =>
        Frame("02:00:00:00:02:02", "02:00:00:00:02:01", ClientAddress(client), "10.250.0.9", ClientPort(client), 80, synAck: false);

    private static byte[] SynAck(int client) =>
        Frame("02:00:00:00:01:09", "02:00:00:00:01:01", "10.250.1.9", ClientAddress(client), 80, ClientPort(client), synAck: true);

    private static string ClientAddress(int client) => $"198.18.{client / 250}.{(client % 250) + 1}";

    private static ushort ClientPort(int client) => (ushort)(40_000 + client);

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
