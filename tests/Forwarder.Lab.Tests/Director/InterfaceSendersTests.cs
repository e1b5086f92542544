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
    private const long Start = LoopUnderTest.Start;

    private LoopUnderTest _loop = null!;

    /// <summary>Holds a transmit; set and disposed only after the loop has stopped, since the senders may still wait on it.</summary>
    private ManualResetEventSlim _release = null!;

    [SetUp]
    public void CreateDirector()
    {
        _loop = new LoopUnderTest();
        _release = new ManualResetEventSlim(false);
        _loop.BeforeJoin = _release.Set;
    }

    [TearDown]
    public void StopDirector()
    {
        _loop.Dispose();
        _release.Dispose();
    }

    [Test]
    public void FullRoundsLeaveFromTheInterfacesOwnThread_InTheOrderTheEngineWroteThem()
    {
        // Every round reads a full share, so every batch is handed to the sender.
        const int Frames = LiveDirector.FramesPerInterfaceAndRound * 5;
        for (var i = 0; i < Frames; i++)
        {
            _loop.Public.Enqueue(Syn(i), Start + i);
        }

        StartLoop();

        Assert.That(SpinWait.SpinUntil(() => _loop.Private.Sent == Frames, TimeSpan.FromSeconds(30)), Is.True, "every SYN forwarded");
        Assert.That(_loop.Private.TransmitThreads.Distinct().ToArray(), Has.Length.EqualTo(1), "one thread sends eth1's frames");
        Assert.That(_loop.Private.TransmitThreads.First(), Is.Not.EqualTo(_loop.Loop!.ManagedThreadId), "and it is not the engine's");
        Assert.That(SentSourcePorts(_loop.Private), Is.EqualTo(Enumerable.Range(0, Frames).Select(ClientPort)), "in the order read");
    }

    [Test]
    public void AFewFramesWithTheSenderIdle_LeaveFromTheEnginesThread()
    {
        const int Frames = InterfaceSenders.InlineBelow - 1;
        for (var i = 0; i < Frames; i++)
        {
            _loop.Public.Enqueue(Syn(i), Start + i);
        }

        StartLoop();

        Assert.That(SpinWait.SpinUntil(() => _loop.Private.Sent == Frames, TimeSpan.FromSeconds(30)), Is.True, "every SYN forwarded");
        Assert.That(_loop.Private.TransmitThreads.Distinct(), Is.EqualTo(new[] { _loop.Loop!.ManagedThreadId }), "sent where they were made, no sender woken");
    }

    [Test]
    public void ATransmitHeldUp_LetsTheEngineFillTheOtherBatches_ThenWait_AndNoFrameIsLostOrOverwritten()
    {
        var release = _release;
        var held = 0;
        _loop.Private.BeforeTransmit = () =>
        {
            Interlocked.Increment(ref held);
            release.Wait(TimeSpan.FromSeconds(30));
        };
        // Enough rounds to need every batch: one round of 64 frames fills one batch.
        const int Frames = LiveDirector.FramesPerInterfaceAndRound * (InterfaceSenders.BatchCount + 3);
        for (var i = 0; i < Frames; i++)
        {
            _loop.Public.Enqueue(Syn(i), Start + i);
        }

        StartLoop();

        // The first batch is held in the transmit; the engine reads on into the others until none is free.
        Assert.That(SpinWait.SpinUntil(() => Volatile.Read(ref held) == 1 &&
            _loop.Public.Received == LiveDirector.FramesPerInterfaceAndRound * InterfaceSenders.BatchCount, TimeSpan.FromSeconds(30)), Is.True,
            $"the engine read {InterfaceSenders.BatchCount} rounds while the first batch was held (read {_loop.Public.Received})");
        Thread.Sleep(200);
        Assert.That(_loop.Public.Received, Is.EqualTo(LiveDirector.FramesPerInterfaceAndRound * InterfaceSenders.BatchCount),
            "and then waited for a batch to come free rather than write over one in flight");

        release.Set();
        Assert.That(SpinWait.SpinUntil(() => _loop.Private.Sent == Frames, TimeSpan.FromSeconds(30)), Is.True, "every SYN forwarded");
        Assert.That(SentSourcePorts(_loop.Private), Is.EqualTo(Enumerable.Range(0, Frames).Select(ClientPort)), "each exactly once, in order");
    }

    [Test]
    public void AtStop_EverythingHandedOverIsSentBeforeTheLoopReturns()
    {
        var release = _release;
        _loop.Private.BeforeTransmit = () => release.Wait(TimeSpan.FromSeconds(30));
        const int Frames = 100;
        for (var i = 0; i < Frames; i++)
        {
            _loop.Public.Enqueue(Syn(i), Start + i);
        }
        StartLoop();
        Assert.That(SpinWait.SpinUntil(() => _loop.Public.Received == Frames, TimeSpan.FromSeconds(30)), Is.True);

        _loop.RequestStop();
        Assert.That(_loop.Loop!.Join(TimeSpan.FromMilliseconds(300)), Is.False, "the loop waits for the held transmit");
        release.Set();
        Assert.That(_loop.Loop.Join(TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(_loop.Private.Sent, Is.EqualTo(Frames), "every frame sent before the loop ended");
        // The second round's 36 frames went to the busy sender, behind the first round's, not past it on the engine's thread.
        Assert.That(SentSourcePorts(_loop.Private), Is.EqualTo(Enumerable.Range(0, Frames).Select(ClientPort)), "in order");
    }

    private static IEnumerable<int> SentSourcePorts(ScriptedPort port) =>
        port.Transmits.SelectMany(frames => frames).Select(frame => (frame[34] << 8) | frame[35]);

    private void StartLoop() => _loop.StartLoop(sendingThreads: true);

    private static byte[] Syn(int client) => LoopUnderTest.Syn(client);

    private static int ClientPort(int client) => LoopUnderTest.ClientPort(client);
}
