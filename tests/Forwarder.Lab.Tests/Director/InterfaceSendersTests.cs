using System.Net;
using System.Net.NetworkInformation;
using Forwarder.Capture.Live;
using Forwarder.Commands;
using Forwarder.Core.Engine;
using Forwarder.Core.Topology;
using Forwarder.Director;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Listing;
using PacketDotNet;

namespace Forwarder.Lab.Tests.Director;

/// <summary>
/// The live loop with a sending thread per interface (<c>run --senders per-interface</c>), on the real loop and engine
/// with in-memory interfaces: frames leave from the interface's own thread, in the order the engine wrote them; a
/// transmit held up lets the engine go on into the other batches and then wait, with no frame lost or overwritten;
/// and at stop everything handed over has been sent before the loop returns.
/// </summary>
[TestFixture]
public sealed class InterfaceSendersTests
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
    private CancellationTokenSource _stop = null!;
    private Thread? _loop;

    /// <summary>Holds a transmit; set and disposed only after the loop has stopped, since the senders may still wait on it.</summary>
    private ManualResetEventSlim _release = null!;

    [SetUp]
    public void CreateDirector()
    {
        _topology = TopologyParser.Parse(TopologyText);
        _engine = DirectorSetup.Build(_topology, Rules);
        _public = new ScriptedPort("eth2");
        _private = new ScriptedPort("eth1");
        _stop = new CancellationTokenSource();
        _release = new ManualResetEventSlim(false);
    }

    [TearDown]
    public void StopDirector()
    {
        _stop.Cancel();
        _release.Set();
        Assert.That(_loop?.Join(TimeSpan.FromSeconds(30)) ?? true, Is.True, "the loop stopped");
        _release.Dispose();
        _stop.Dispose();
        _public.Dispose();
        _private.Dispose();
    }

    [Test]
    public void FullRoundsLeaveFromTheInterfacesOwnThread_InTheOrderTheEngineWroteThem()
    {
        // Every round reads a full share, so every batch is handed to the sender.
        const int Frames = LiveDirector.FramesPerInterfaceAndRound * 5;
        for (var i = 0; i < Frames; i++)
        {
            _public.Enqueue(Syn(i), Start + i);
        }

        StartLoop();

        Assert.That(SpinWait.SpinUntil(() => _private.Sent == Frames, TimeSpan.FromSeconds(30)), Is.True, "every SYN forwarded");
        Assert.That(_private.TransmitThreads.Distinct().ToArray(), Has.Length.EqualTo(1), "one thread sends eth1's frames");
        Assert.That(_private.TransmitThreads.First(), Is.Not.EqualTo(_loop!.ManagedThreadId), "and it is not the engine's");
        Assert.That(SentSourcePorts(_private), Is.EqualTo(Enumerable.Range(0, Frames).Select(ClientPort)), "in the order read");
    }

    [Test]
    public void AFewFramesWithTheSenderIdle_LeaveFromTheEnginesThread()
    {
        const int Frames = InterfaceSenders.InlineBelow - 1;
        for (var i = 0; i < Frames; i++)
        {
            _public.Enqueue(Syn(i), Start + i);
        }

        StartLoop();

        Assert.That(SpinWait.SpinUntil(() => _private.Sent == Frames, TimeSpan.FromSeconds(30)), Is.True, "every SYN forwarded");
        Assert.That(_private.TransmitThreads.Distinct(), Is.EqualTo(new[] { _loop!.ManagedThreadId }), "sent where they were made, no sender woken");
    }

    [Test]
    public void ATransmitHeldUp_LetsTheEngineFillTheOtherBatches_ThenWait_AndNoFrameIsLostOrOverwritten()
    {
        var release = _release;
        var held = 0;
        _private.BeforeTransmit = () =>
        {
            Interlocked.Increment(ref held);
            release.Wait(TimeSpan.FromSeconds(30));
        };
        // Enough rounds to need every batch: one round of 64 frames fills one batch.
        const int Frames = LiveDirector.FramesPerInterfaceAndRound * (InterfaceSenders.BatchCount + 3);
        for (var i = 0; i < Frames; i++)
        {
            _public.Enqueue(Syn(i), Start + i);
        }

        StartLoop();

        // The first batch is held in the transmit; the engine reads on into the others until none is free.
        Assert.That(SpinWait.SpinUntil(() => Volatile.Read(ref held) == 1 &&
            _public.Received == LiveDirector.FramesPerInterfaceAndRound * InterfaceSenders.BatchCount, TimeSpan.FromSeconds(30)), Is.True,
            $"the engine read {InterfaceSenders.BatchCount} rounds while the first batch was held (read {_public.Received})");
        Thread.Sleep(200);
        Assert.That(_public.Received, Is.EqualTo(LiveDirector.FramesPerInterfaceAndRound * InterfaceSenders.BatchCount),
            "and then waited for a batch to come free rather than write over one in flight");

        release.Set();
        Assert.That(SpinWait.SpinUntil(() => _private.Sent == Frames, TimeSpan.FromSeconds(30)), Is.True, "every SYN forwarded");
        Assert.That(SentSourcePorts(_private), Is.EqualTo(Enumerable.Range(0, Frames).Select(ClientPort)), "each exactly once, in order");
    }

    [Test]
    public void AtStop_EverythingHandedOverIsSentBeforeTheLoopReturns()
    {
        var release = _release;
        _private.BeforeTransmit = () => release.Wait(TimeSpan.FromSeconds(30));
        const int Frames = 100;
        for (var i = 0; i < Frames; i++)
        {
            _public.Enqueue(Syn(i), Start + i);
        }
        StartLoop();
        Assert.That(SpinWait.SpinUntil(() => _public.Received == Frames, TimeSpan.FromSeconds(30)), Is.True);

        _stop.Cancel();
        Assert.That(_loop!.Join(TimeSpan.FromMilliseconds(300)), Is.False, "the loop waits for the held transmit");
        release.Set();
        Assert.That(_loop.Join(TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(_private.Sent, Is.EqualTo(Frames), "every frame sent before the loop ended");
        // The second round's 36 frames went to the busy sender, behind the first round's, not past it on the engine's thread.
        Assert.That(SentSourcePorts(_private), Is.EqualTo(Enumerable.Range(0, Frames).Select(ClientPort)), "in order");
    }

    private static IEnumerable<int> SentSourcePorts(ScriptedPort port) =>
        port.Transmits.SelectMany(frames => frames).Select(frame => (frame[34] << 8) | frame[35]);

    private void StartLoop()
    {
        var ports = new IDirectorPort[2];
        ports[_topology.Public.Index] = _public;
        ports[_topology.Private.Index] = _private;
        var director = new LiveDirector(_engine, ports, new EngineCommandQueue(),
            new IpvsadmExecutor(DirectorState.FromEngine(_engine, new ServiceRateEstimators())), sendingThreads: true);
        _loop = new Thread(() =>
        {
            using (director)
            {
                director.Run(_stop.Token);
            }
        })
        { IsBackground = true, Name = "live loop under test" };
        _loop.Start();
    }

    private static byte[] Syn(int client)
    {
        var tcp = new TcpPacket((ushort)ClientPort(client), 80) { Synchronize = true, SequenceNumber = 1000, WindowSize = 64240 };
        var ip = new IPv4Packet(IPAddress.Parse($"198.18.{client / 250}.{(client % 250) + 1}"), IPAddress.Parse("10.250.0.9")) { TimeToLive = 64, PayloadPacket = tcp };
        var ethernet = new EthernetPacket(PhysicalAddress.Parse("02-00-00-00-02-02"), PhysicalAddress.Parse("02-00-00-00-02-01"), EthernetType.IPv4) { PayloadPacket = ip };
        ip.UpdateCalculatedValues();
        tcp.UpdateTcpChecksum();
        ip.UpdateIPChecksum();
        return ethernet.Bytes.ToArray();
    }

    private static int ClientPort(int client) => 40_000 + client;
}
