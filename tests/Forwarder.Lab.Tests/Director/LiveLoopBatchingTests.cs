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
    private const long Start = LoopUnderTest.Start;

    private LoopUnderTest _loop = null!;

    [SetUp]
    public void CreateDirector() => _loop = new LoopUnderTest();

    [TearDown]
    public void StopDirector() => _loop.Dispose();

    [Test]
    public void ARoundWithFramesForBothInterfaces_LeavesInOneTransmitEach()
    {
        // Client 1's connection exists; its server's SYN-ACK and client 2's SYN wait on the two interfaces together.
        var output = new OutputBatch();
        Assert.That(_loop.Engine.Process(Syn(1), _loop.Topology.Public.Index, Start, output), Is.EqualTo(FrameOutcome.Forwarded));
        _loop.Private.Enqueue(SynAck(1), Start + 10);
        _loop.Public.Enqueue(Syn(2), Start + 20);

        var director = StartLoop();

        Assert.That(SpinWait.SpinUntil(() => _loop.Public.Sent == 1 && _loop.Private.Sent == 1, TimeSpan.FromSeconds(30)), Is.True, "both frames forwarded");
        Assert.That(director.Batching.Rounds, Is.EqualTo(1), "one round read both");
        Assert.That(_loop.Public.Transmits.Single(), Has.Length.EqualTo(1), "the SYN-ACK, to the client, in one transmit");
        Assert.That(_loop.Private.Transmits.Single(), Has.Length.EqualTo(1), "the SYN, to the real server, in one transmit");
        Assert.That(new IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(_loop.Public.Transmits.Single()[0], 14, 20)).SourceAddress,
            Is.EqualTo(IPAddress.Parse("10.250.0.9")), "the reply left rewritten to the virtual address");
    }

    [Test]
    public void ACommandArrivingMidRound_RunsAfterThatRoundsFrames_AndBeforeTheNext()
    {
        const int Frames = 100;
        for (var i = 0; i < Frames; i++)
        {
            _loop.Public.Enqueue(Syn(i), Start + i);
        }
        Task<long>? step = null;
        // Submitted on the loop's own thread while it reads the tenth frame of its first round.
        _loop.Public.AfterRead = read =>
        {
            if (read == 10)
            {
                step = _loop.Commands.RunOnEngineAsync(() => _loop.Public.Received, CancellationToken.None);
            }
        };

        StartLoop();

        Assert.That(SpinWait.SpinUntil(() => _loop.Private.Sent == Frames, TimeSpan.FromSeconds(30)), Is.True, "every SYN forwarded");
        Assert.That(step!.Wait(TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(step.Result, Is.EqualTo(LiveDirector.FramesPerInterfaceAndRound), "the command saw the whole first round and nothing of the second");
    }

    [Test]
    public void AnOutputBatchFillingUp_IsSentMidRound_AndNoFrameIsLost()
    {
        const int Frames = 64;
        for (var i = 0; i < Frames; i++)
        {
            _loop.Public.Enqueue(Syn(i), Start + i);
        }

        var director = StartLoop(new OutputBatch(pinned: true, maximumFrames: 32));

        Assert.That(SpinWait.SpinUntil(() => _loop.Private.Sent == Frames, TimeSpan.FromSeconds(30)), Is.True, "every SYN forwarded");
        Assert.That(director.Batching.Rounds, Is.EqualTo(1));
        Assert.That(_loop.Private.Transmits.Count, Is.GreaterThan(1), "sent before the batch was full");
        Assert.That(_loop.Private.Transmits.Select(t => t.Length), Has.All.LessThanOrEqualTo(32));
        Assert.That(_loop.Engine.Counters.NonZero().Select(c => c.Outcome), Is.EquivalentTo(new[] { FrameOutcome.Forwarded }));
    }

    [Test]
    public void ATransmitWithNoRoomForEveryFrame_CountsTheRest_AndTheLoopGoesOn()
    {
        _loop.Private.AcceptsPerTransmit = 5;
        for (var i = 0; i < 20; i++)
        {
            _loop.Public.Enqueue(Syn(i), Start + i);
        }

        var director = StartLoop();

        Assert.That(SpinWait.SpinUntil(() => _loop.Private.Sent + _loop.Private.SendFailures == 20, TimeSpan.FromSeconds(30)), Is.True);
        Assert.That((_loop.Private.Sent, _loop.Private.SendFailures), Is.EqualTo((5L, 15L)));
        // The next round's frames still go, and the counters say what was lost.
        _loop.Private.AcceptsPerTransmit = null;
        _loop.Public.Enqueue(Syn(100), Start + 100);
        Assert.That(SpinWait.SpinUntil(() => _loop.Private.Sent == 6, TimeSpan.FromSeconds(30)), Is.True, "the loop went on");
        Assert.That(director.Counters(), Does.Contain("eth1 send-failures 15\n").And.Contain("eth1 sent 6\n"));
    }

    [Test]
    public void FramesReadAGroupAtATime_AreForwardedInTheOrderTheyCame()
    {
        // Not a multiple of the group: the last group of the round is short.
        var frames = (3 * DirectorEngine.GroupSize) + 3;
        for (var i = 0; i < frames; i++)
        {
            _loop.Public.Enqueue(Syn(i), Start + i);
        }

        StartLoop();

        Assert.That(SpinWait.SpinUntil(() => _loop.Private.Sent == frames, TimeSpan.FromSeconds(30)), Is.True, "every SYN forwarded");
        var sources = _loop.Private.Transmits.SelectMany(t => t).Select(f => Convert.ToHexString(f, 26, 4));
        Assert.That(sources, Is.EqualTo(Enumerable.Range(0, frames).Select(i => Convert.ToHexString(Syn(i), 26, 4))), "client order kept");
    }

    [Test]
    public void AnInterfaceTheWaitFoundIdle_IsNotRead()
    {
        // Reading an empty capture costs libpcap a poll of its own: after a wait, only what it found readable is read.
        StartLoop();
        for (var i = 0; i < 5; i++)
        {
            _loop.Public.Enqueue(Syn(i), Start + i);
            var sent = i + 1;
            Assert.That(SpinWait.SpinUntil(() => _loop.Private.Sent == sent, TimeSpan.FromSeconds(30)), Is.True, $"SYN {i} forwarded");
        }

        Assert.Multiple(() =>
        {
            Assert.That(_loop.Private.ReadAttempts, Is.Zero, "the private side had nothing and was never read");
            Assert.That(_loop.Public.Received, Is.EqualTo(5));
        });

        // Frames on it are read as soon as the wait finds them.
        _loop.Private.Enqueue(SynAck(0), Start + 10);
        Assert.That(SpinWait.SpinUntil(() => _loop.Public.Sent == 1, TimeSpan.FromSeconds(30)), Is.True, "the SYN-ACK forwarded");
    }

    private LiveDirector StartLoop(OutputBatch? output = null) => _loop.StartLoop(output);

    private static byte[] Syn(int client) => LoopUnderTest.Syn(client);

    private static byte[] SynAck(int client) => LoopUnderTest.SynAck(client);
}
