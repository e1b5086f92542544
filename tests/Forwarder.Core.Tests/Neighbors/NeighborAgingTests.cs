using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Tests.Engine;
using Forwarder.Core.Tests.Support;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Tests.Neighbors;

/// <summary>
/// The neighbour state machine on a driven clock, as net/core/neighbour.c with ARP's defaults: REACHABLE for the
/// drawn reachable time after an ARP reply, STALE, DELAY once used, PROBE (unicast requests to the kept MAC one
/// second apart), FAILED; and what ARP from a known address changes.
/// </summary>
public sealed class NeighborAgingTests
{
    private const long Second = 1_000_000;
    private const long T0 = EngineRig.Start;
    private static readonly uint Server = Frame.Ip("192.168.139.140");
    private static readonly MacAddress OldMac = Frame.Mac("00:0c:29:00:01:40");
    private static readonly MacAddress NewMac = Frame.Mac("00:0c:29:00:02:40");

    [Test]
    public void ArpReply_KeepsTheEntryReachableForTheDrawnTime_ThenItGoesStale()
    {
        var (table, output) = Resolved();
        var reachable = table.ReachableTime;

        table.Tick(T0 + reachable, output);
        var atTheEnd = table.StateOf(Server, out _);
        table.Tick(T0 + reachable + 1, output);

        Assert.Multiple(() =>
        {
            Assert.That(reachable, Is.InRange(15 * Second, (45 * Second) - 1), "in [base/2, 3·base/2)");
            Assert.That(atTheEnd, Is.EqualTo(NeighborState.Reachable));
            Assert.That(table.StateOf(Server, out var mac), Is.EqualTo(NeighborState.Stale));
            Assert.That(mac, Is.EqualTo(OldMac), "a stale entry keeps its MAC");
            Assert.That(output.Count, Is.Zero, "going stale sends nothing");
        });
    }

    [Test]
    public void ReachableTime_IsTheSameForTheSameSeed_AndDrawnAgainEveryFiveMinutes()
    {
        var topology = TopologyParser.Parse(EngineRig.TopologyText);
        var first = new NeighborTable(topology);
        var again = new NeighborTable(topology);
        var output = new OutputBatch();
        var drawn = new HashSet<long> { first.ReachableTime };
        first.Tick(T0, output);
        for (var minutes = 5; minutes <= 30; minutes += 5)
        {
            first.Tick(T0 + (minutes * 60 * Second) + Second, output);
            drawn.Add(first.ReachableTime);
        }

        Assert.Multiple(() =>
        {
            Assert.That(again.ReachableTime, Is.EqualTo(new NeighborTable(topology).ReachableTime), "replays repeat");
            Assert.That(drawn, Has.Count.GreaterThan(1));
            Assert.That(drawn, Has.All.InRange(15 * Second, (45 * Second) - 1));
        });
    }

    [Test]
    public void StaleEntryUsed_GoesToDelay_StillSendingToItsMac_AndFiveSecondsLaterToProbe()
    {
        var (table, output) = Stale(out var staleAt);

        var used = table.TryGetMac(Server, out var mac);
        var afterUse = table.StateOf(Server, out _);
        table.Tick(staleAt + (5 * Second) - 1, output);
        var justBefore = table.StateOf(Server, out _);
        table.Tick(staleAt + (5 * Second), output);

        Assert.Multiple(() =>
        {
            Assert.That(used, Is.True);
            Assert.That(mac, Is.EqualTo(OldMac));
            Assert.That(afterUse, Is.EqualTo(NeighborState.Delay));
            Assert.That(justBefore, Is.EqualTo(NeighborState.Delay), "delay_first_probe_time is 5 s");
            Assert.That(table.StateOf(Server, out _), Is.EqualTo(NeighborState.Probe));
            Assert.That(output.Count, Is.EqualTo(1), "the first unicast probe");
            Assert.That(table.TryGetMac(Server, out var probing) && probing == OldMac, Is.True, "frames still go to the kept MAC while probing");
        });
    }

    [Test]
    public void Probe_SendsThreeUnicastRequestsToTheKeptMacOneSecondApart_ThenFails()
    {
        var (table, output) = Stale(out var staleAt);
        table.TryGetMac(Server, out _);
        var probeAt = staleAt + (5 * Second);
        var frames = new List<byte[]>();
        foreach (var at in new[] { probeAt, probeAt + Second - 1, probeAt + Second, probeAt + (2 * Second), probeAt + (3 * Second) - 1 })
        {
            output.Clear();
            table.Tick(at, output);
            frames.AddRange(Enumerable.Range(0, output.Count).Select(i => output.FrameAt(i).ToArray()));
        }
        var beforeFailing = table.StateOf(Server, out _);
        output.Clear();
        table.Tick(probeAt + (3 * Second), output);

        Assert.Multiple(() =>
        {
            Assert.That(frames, Has.Count.EqualTo(3), "ucast_solicit 3, retrans_time 1 s");
            Assert.That(frames, Has.All.EqualTo(UnicastProbe()));
            Assert.That(beforeFailing, Is.EqualTo(NeighborState.Probe));
            Assert.That(table.StateOf(Server, out _), Is.EqualTo(NeighborState.Failed));
            Assert.That(output.Count, Is.Zero, "mcast_resolicit is 0: no broadcast after the unicast probes");
            Assert.That(table.UnicastProbesSent, Is.EqualTo(3));
            Assert.That(table.FailedProbes, Is.EqualTo(1));
            Assert.That(table.TryGetMac(Server, out _), Is.False, "a failed entry gives no MAC: frames wait for a new resolution");
        });
    }

    [Test]
    public void WithMcastResolicit_TheUnicastProbesAreFollowedByBroadcastOnes()
    {
        var (table, output) = Stale(out var staleAt, new NeighborTimings { McastResolicit = 3 });
        table.TryGetMac(Server, out _);
        var probeAt = staleAt + (5 * Second);
        var frames = new List<byte[]>();
        for (var step = 0; step <= 6; step++)
        {
            output.Clear();
            table.Tick(probeAt + (step * Second), output);
            frames.AddRange(Enumerable.Range(0, output.Count).Select(i => output.FrameAt(i).ToArray()));
        }

        Assert.Multiple(() =>
        {
            Assert.That(frames, Has.Count.EqualTo(6));
            Assert.That(frames.Take(3), Has.All.EqualTo(UnicastProbe()));
            Assert.That(frames.Skip(3), Has.All.EqualTo(BroadcastRequest()));
            Assert.That(table.StateOf(Server, out _), Is.EqualTo(NeighborState.Failed));
        });
    }

    [Test]
    public void ReplyDuringProbe_MakesTheEntryReachableAgain_AndStopsTheProbes()
    {
        var (table, output) = Stale(out var staleAt);
        table.TryGetMac(Server, out _);
        table.Tick(staleAt + (5 * Second), output);

        table.OnArp(Server, OldMac, EngineRig.Private, requestForUs: false, unicastReplyToUs: true, gratuitous: false, staleAt + (5 * Second) + 300_000, output);
        output.Clear();
        table.Tick(staleAt + (9 * Second), output);

        Assert.Multiple(() =>
        {
            Assert.That(table.StateOf(Server, out _), Is.EqualTo(NeighborState.Reachable));
            Assert.That(output.Count, Is.Zero);
            Assert.That(table.FailedProbes, Is.Zero);
        });
    }

    [Test]
    public void ConfirmationDuringDelay_ReturnsToReachable_WithoutAProbe()
    {
        var (table, output) = Stale(out var staleAt);
        table.TryGetMac(Server, out _);
        table.OnArp(Server, OldMac, EngineRig.Private, requestForUs: false, unicastReplyToUs: true, gratuitous: false, staleAt + Second, output);

        table.Tick(staleAt + (6 * Second), output);

        Assert.Multiple(() =>
        {
            Assert.That(table.StateOf(Server, out _), Is.EqualTo(NeighborState.Reachable));
            Assert.That(output.Count, Is.Zero);
            Assert.That(table.UnicastProbesSent, Is.Zero);
        });
    }

    [Test]
    public void ArpRequestFromTheNeighbour_DoesNotConfirmIt()
    {
        // As arp_process: requests (and broadcast replies) report STALE; the same MAC reported STALE changes nothing.
        var (table, output) = Stale(out var staleAt);
        table.TryGetMac(Server, out _);
        table.OnArp(Server, OldMac, EngineRig.Private, requestForUs: true, unicastReplyToUs: false, gratuitous: false, staleAt + Second, output);

        table.Tick(staleAt + (5 * Second), output);

        Assert.That(table.StateOf(Server, out _), Is.EqualTo(NeighborState.Probe));
    }

    [Test]
    public void GratuitousArpFromAKnownAddress_TakesTheNewMacAtOnce_EvenWithinLocktime()
    {
        var (table, output) = Resolved();

        table.OnArp(Server, NewMac, EngineRig.Private, requestForUs: false, unicastReplyToUs: false, gratuitous: true, T0 + 100_000, output);

        Assert.Multiple(() =>
        {
            Assert.That(table.StateOf(Server, out var mac), Is.EqualTo(NeighborState.Stale), "a new MAC not yet confirmed");
            Assert.That(mac, Is.EqualTo(NewMac));
            Assert.That(table.TryGetMac(Server, out var used) && used == NewMac, Is.True, "the next frame goes to the new MAC");
        });
    }

    [Test]
    public void ArpWithAnotherMac_WithinLocktime_IsIgnored_AndTakenAfterIt()
    {
        var (table, output) = Resolved();

        table.OnArp(Server, NewMac, EngineRig.Private, requestForUs: false, unicastReplyToUs: false, gratuitous: false, T0 + 500_000, output);
        table.StateOf(Server, out var withinLocktime);
        table.OnArp(Server, NewMac, EngineRig.Private, requestForUs: false, unicastReplyToUs: false, gratuitous: false, T0 + (2 * Second), output);

        Assert.Multiple(() =>
        {
            Assert.That(withinLocktime, Is.EqualTo(OldMac), "locktime 1 s: the first answer wins");
            Assert.That(table.StateOf(Server, out var after), Is.EqualTo(NeighborState.Stale));
            Assert.That(after, Is.EqualTo(NewMac));
        });
    }

    [Test]
    public void UnsolicitedReplyFromAnUnknownHost_CreatesNoEntry()
    {
        var table = new NeighborTable(TopologyParser.Parse(EngineRig.TopologyText));
        var output = new OutputBatch();

        table.OnArp(Server, OldMac, EngineRig.Private, requestForUs: false, unicastReplyToUs: true, gratuitous: false, T0, output);

        Assert.That(table.StateOf(Server, out _), Is.EqualTo(NeighborState.None), "arp_accept 0");
    }

    [Test]
    public void StaticNeighbour_IsPermanent_AndArpDoesNotChangeIt()
    {
        var table = new NeighborTable(TopologyParser.Parse(EngineRig.TopologyText));
        var output = new OutputBatch();
        var server = Frame.Ip("192.168.139.131");

        table.OnArp(server, NewMac, EngineRig.Private, requestForUs: true, unicastReplyToUs: false, gratuitous: true, T0, output);
        table.Tick(T0 + (3600 * Second), output);

        Assert.Multiple(() =>
        {
            Assert.That(table.StateOf(server, out var mac), Is.EqualTo(NeighborState.Permanent));
            Assert.That(mac, Is.EqualTo(EngineRig.ServerMac(131)));
            Assert.That(output.Count, Is.Zero);
        });
    }

    [Test]
    public void FailedEntry_TheNextFrameStartsABroadcastResolution_AndWaits()
    {
        var (table, output) = Failed(out var failedAt);
        output.Clear();

        var held = table.Hold(Server, EngineRig.Private, new byte[60], failedAt + Second, output);

        Assert.Multiple(() =>
        {
            Assert.That(held, Is.True);
            Assert.That(table.StateOf(Server, out _), Is.EqualTo(NeighborState.Incomplete));
            Assert.That(output.Count, Is.EqualTo(1));
            Assert.That(output.FrameAt(0).ToArray(), Is.EqualTo(BroadcastRequest()));
        });
    }

    [Test]
    public void StaleEntries_UnusedForGcStaleTime_AreCollected_OnlyOnceTheTableHoldsGcThresh1()
    {
        var few = new NeighborTable(TopologyParser.Parse(EngineRig.TopologyText), new NeighborTimings { GcThreshold = 3 });
        var many = new NeighborTable(TopologyParser.Parse(EngineRig.TopologyText), new NeighborTimings { GcThreshold = 3 });
        var output = new OutputBatch();
        for (var host = 10; host < 12; host++)
        {
            few.OnArp(Frame.Ip($"192.168.139.{host}"), Frame.Mac($"00:0c:29:00:03:{host:x2}"), EngineRig.Private, true, false, false, T0, output);
        }
        for (var host = 10; host < 14; host++)
        {
            many.OnArp(Frame.Ip($"192.168.139.{host}"), Frame.Mac($"00:0c:29:00:03:{host:x2}"), EngineRig.Private, true, false, false, T0, output);
        }

        few.Tick(T0 + (60 * Second), output);
        many.Tick(T0 + (60 * Second), output);
        var keptAtSixty = many.LearnedCount;
        few.Tick(T0 + (90 * Second), output);
        many.Tick(T0 + (90 * Second), output);

        Assert.Multiple(() =>
        {
            Assert.That(keptAtSixty, Is.EqualTo(4), "not yet unused for more than gc_stale_time");
            Assert.That(many.LearnedCount, Is.Zero, "stale and unused for 60 s: collected");
            Assert.That(many.StateOf(Frame.Ip("192.168.139.10"), out _), Is.EqualTo(NeighborState.None));
            Assert.That(few.LearnedCount, Is.EqualTo(2), "below gc_thresh1 nothing is collected");
        });
    }

    [Test]
    public void CollectedEntry_ItsOldHandleNoLongerMatches_EvenWhenTheSlotIsReused()
    {
        var table = new NeighborTable(TopologyParser.Parse(EngineRig.TopologyText), new NeighborTimings { GcThreshold = 1 });
        var output = new OutputBatch();
        table.OnArp(Server, OldMac, EngineRig.Private, true, false, false, T0, output);
        table.TryUse(Server, out _, out var handle);
        for (var at = T0; at <= T0 + (120 * Second); at += Second)
        {
            // DELAY, PROBE unanswered, FAILED, collected by the next periodic work.
            table.Tick(at, output);
        }
        var other = Frame.Ip("192.168.139.141");
        table.OnArp(other, NewMac, EngineRig.Private, true, false, false, T0 + (121 * Second), output);
        table.TryUse(other, out _, out var otherHandle);

        Assert.Multiple(() =>
        {
            Assert.That(otherHandle.Slot, Is.EqualTo(handle.Slot), "the slot is reused");
            Assert.That(table.TryUseCached(handle, out _), Is.False);
            Assert.That(table.TryUseCached(otherHandle, out var mac) && mac == NewMac, Is.True);
        });
    }

    /// <summary>The server resolved at T0 by a broadcast request and its unicast reply: REACHABLE with the old MAC.</summary>
    private static (NeighborTable Table, OutputBatch Output) Resolved(NeighborTimings? timings = null)
    {
        var table = new NeighborTable(TopologyParser.Parse(EngineRig.TopologyText), timings);
        var output = new OutputBatch();
        table.Tick(T0, output);
        table.Hold(Server, EngineRig.Private, new byte[60], T0, output);
        table.OnArp(Server, OldMac, EngineRig.Private, requestForUs: false, unicastReplyToUs: true, gratuitous: false, T0, output);
        Assert.That(table.StateOf(Server, out _), Is.EqualTo(NeighborState.Reachable));
        output.Clear();
        return (table, output);
    }

    private static (NeighborTable Table, OutputBatch Output) Stale(out long staleAt, NeighborTimings? timings = null)
    {
        var (table, output) = Resolved(timings);
        staleAt = T0 + table.ReachableTime + 1;
        table.Tick(staleAt, output);
        Assert.That(table.StateOf(Server, out _), Is.EqualTo(NeighborState.Stale));
        return (table, output);
    }

    private static (NeighborTable Table, OutputBatch Output) Failed(out long failedAt)
    {
        var (table, output) = Stale(out var staleAt);
        table.TryGetMac(Server, out _);
        failedAt = staleAt + (8 * Second);
        for (var at = staleAt + (5 * Second); at <= failedAt; at += Second)
        {
            table.Tick(at, output);
        }
        Assert.That(table.StateOf(Server, out _), Is.EqualTo(NeighborState.Failed));
        return (table, output);
    }

    /// <summary>arp_solicit's re-probe: to the kept MAC, from the private link's MAC and address, target MAC zero.</summary>
    private static byte[] UnicastProbe() => Request([0x00, 0x0c, 0x29, 0x00, 0x01, 0x40]);

    private static byte[] BroadcastRequest() => Request([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

    private static byte[] Request(byte[] destination) =>
    [
        .. destination, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06,
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 192, 168, 139, 1,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 192, 168, 139, 140,
    ];
}
