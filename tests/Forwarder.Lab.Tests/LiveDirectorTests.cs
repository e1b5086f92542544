using Forwarder.Capture.Live;
using Forwarder.Commands;
using Forwarder.Core.Frames;
using Forwarder.Core.Topology;
using Forwarder.Director;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Listing;

namespace Forwarder.Lab.Tests;

/// <summary>
/// The live director's ports and loop on real libpcap handles, in this process, on the loopback interface with
/// filters for a MAC address nothing else uses: frames arrive only when a test sends them. Needs root.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class LiveDirectorTests
{
    private const string Loopback = "lo";
    private const string Nobody = "02:00:00:00:0f:01";

    /// <summary>Far longer than any test waits: a test that is answered was answered by a wake-up, not by the read timeout.</summary>
    private const int TenMinutes = 600_000;

    [OneTimeSetUp]
    public void NeedsRoot()
    {
        if (Environment.UserName != "root" && Shell.Run("id", ["-u"]).Output.Trim() != "0")
        {
            Assert.Ignore("libpcap on a live interface needs root");
        }
    }

    [Test]
    public void IdleDirector_AnswersACommand_WithoutWaitingOutItsReadTimeout()
    {
        using var publicPort = new LivePort(Loopback, $"ether dst {Nobody}", TenMinutes);
        using var privatePort = new LivePort(Loopback, $"ether dst {Nobody}", TenMinutes);
        var topology = new DirectorTopology(
        [
            new DirectorInterface(0, Loopback, Mac("02:00:00:00:0f:02"), Ipv4Address.Parse("10.250.0.1"), 24, InterfaceRole.Public),
            new DirectorInterface(1, Loopback, Mac("02:00:00:00:0f:03"), Ipv4Address.Parse("10.250.1.1"), 24, InterfaceRole.Private),
        ]);
        var engine = DirectorSetup.Build(topology, string.Empty);
        var commands = new EngineCommandQueue();
        var director = new LiveDirector(engine, [publicPort, privatePort], commands,
            new IpvsadmExecutor(DirectorState.FromEngine(engine, new ServiceRateEstimators())));
        using var stop = new CancellationTokenSource();
        var running = new Thread(() => director.Run(stop.Token)) { IsBackground = true };
        running.Start();
        try
        {
            // Both pumps wait on their capture descriptors for ten minutes; no frame comes.
            var added = commands.SubmitAsync(new IpvsadmInvocation(["-A", "-t", "10.250.0.9:80", "-s", "rr"]), CancellationToken.None);
            Assert.That(added.Wait(TimeSpan.FromSeconds(30)), Is.True, "the command woke the loop");
            Assert.That(added.Result, Is.EqualTo(new IpvsadmResult(0, "", "")));

            // A -R goes through the off-thread trial and two engine steps, each of which wakes the loop again.
            var restored = commands.SubmitAsync(new IpvsadmInvocation(["-R"], "-a -t 10.250.0.9:80 -r 10.250.1.9 -m\n"), CancellationToken.None);
            Assert.That(restored.Wait(TimeSpan.FromSeconds(30)), Is.True, "every step of the restore woke the loop");
            Assert.That(restored.Result, Is.EqualTo(new IpvsadmResult(0, "", "")));
            Assert.That(engine.Services.Services.Single().Destinations, Has.Count.EqualTo(1));
        }
        finally
        {
            stop.Cancel();
            Assert.That(running.Join(TimeSpan.FromSeconds(30)), Is.True, "the stop woke the pumps");
        }
    }

    [Test]
    public void FramesTheRingHadNoRoomFor_AreCountedAsLibpcapsDrops_AndEveryFrameAddsUp()
    {
        const int Frames = 5_000;
        using var capture = new LivePort(Loopback, $"ether dst {Nobody}");
        using var sender = new LivePort(Loopback, "ether dst 02:00:00:00:0f:ff");
        var frame = FrameTo(Nobody);

        // Nothing reads while they come: a ring of 16 MiB of loopback-sized slots holds a few hundred at most.
        for (var i = 0; i < Frames; i++)
        {
            sender.Send(frame);
        }
        var buffer = new byte[65536];
        while (capture.TryReceive(buffer, out _, out _))
        {
        }
        capture.DiscardUnread();
        var (received, dropped, _) = capture.Statistics();

        Assert.That(sender.Sent, Is.EqualTo(Frames));
        Assert.That(received, Is.GreaterThan(0u));
        Assert.That(dropped, Is.GreaterThan(0u), "the kernel had to drop some: libpcap's ps_drop must show them");
        Assert.That(received, Is.EqualTo(dropped + capture.Received + capture.UnreadAtStop), $"every frame libpcap counted is read or dropped: read {capture.Received}, unread {capture.UnreadAtStop}, dropped {dropped}");
        Assert.That(CountersReport.Format(DirectorSetup.Build(new DirectorTopology(
            [new DirectorInterface(0, Loopback, Mac("02:00:00:00:0f:02"), Ipv4Address.Parse("10.250.0.1"), 24, InterfaceRole.Public)]), string.Empty), [capture]),
            Does.Contain($"lo pcap-dropped {dropped}\n").And.Contain($"lo received {capture.Received}\n").And.Contain("lo pcap-waiting 0\n"));
    }

    [Test]
    public void TwoThreadsSendingOnOnePort_LoseNoCount()
    {
        const int EachThread = 20_000;
        using var port = new LivePort(Loopback, "ether dst 02:00:00:00:0f:ff");
        var frame = FrameTo(Nobody);

        var threads = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            for (var i = 0; i < EachThread; i++)
            {
                port.Send(frame);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => Assert.That(t.Join(TimeSpan.FromSeconds(60)), Is.True));

        Assert.That(port.Sent + port.SendFailures, Is.EqualTo(2 * EachThread));
    }

    private static MacAddress Mac(string text) => MacAddress.TryParse(text, out var mac) ? mac : throw new ArgumentException(text);

    /// <summary>A minimal IPv4 frame to <paramref name="destination"/>; on loopback it comes straight back in.</summary>
    private static byte[] FrameTo(string destination)
    {
        var frame = new byte[60];
        Mac(destination).Write(frame.AsSpan(0, 6));
        Mac("02:00:00:00:0f:fe").Write(frame.AsSpan(6, 6));
        frame[12] = 0x08;
        frame[14] = 0x45;
        return frame;
    }
}
