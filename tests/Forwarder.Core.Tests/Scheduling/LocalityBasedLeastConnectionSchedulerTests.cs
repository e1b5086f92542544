using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;

namespace Forwarder.Core.Tests.Scheduling;

public sealed class LocalityBasedLeastConnectionSchedulerTests
{
    private const string A = "10.1.0.1";
    private const string B = "10.1.0.2";
    private const string C = "10.1.0.3";
    private const string Target = "172.16.0.1";
    private const string OtherTarget = "172.16.0.2";
    private const long Second = 1_000_000;

    [Test]
    public void Lblc_NewTarget_GetsTheWlcChoice_AndSticksToIt()
    {
        var lblc = Weighted123();
        Assert.That(lblc.NextAddress(target: Target), Is.EqualTo(C));

        lblc.Find(C).ActiveConnections = 3; // wlc would now pick B, but C is not overloaded (3 <= 3)
        Assert.That(lblc.NextAddress(target: Target), Is.EqualTo(C));
        Assert.That(lblc.NextAddress(target: OtherTarget), Is.EqualTo(B));
    }

    [Test]
    public void Lblc_MappedServerOverActiveWeight_WithSpareRoomElsewhere_IsReplaced()
    {
        var lblc = Weighted123();
        lblc.NextAddress(target: Target);
        lblc.Find(C).ActiveConnections = 4; // 4 > 3, and A has 0 * 2 < 1
        Assert.That(lblc.NextAddress(target: Target), Is.EqualTo(B));

        // The new mapping sticks.
        lblc.Find(C).ActiveConnections = 0;
        Assert.That(lblc.NextAddress(target: Target), Is.EqualTo(B));
    }

    [Test]
    public void Lblc_MappedServerBusy_ButNoOneHasSpareRoom_IsKept()
    {
        var lblc = Weighted123();
        lblc.NextAddress(target: Target);
        lblc.Find(C).ActiveConnections = 4;
        lblc.Find(B).ActiveConnections = 1; // 2 < 2 is false
        lblc.Find(A).ActiveConnections = 1; // 2 < 1 is false
        Assert.That(lblc.NextAddress(target: Target), Is.EqualTo(C));
    }

    [Test]
    public void Lblc_ThresholdMarkOnTheMappedServer_IsNotConsulted()
    {
        // As the kernel: a mapped server is checked for availability, weight and the locality rule only.
        var lblc = Weighted123();
        lblc.NextAddress(target: Target);
        lblc.Find(C).IsOverloaded = true;
        Assert.That(lblc.NextAddress(target: Target), Is.EqualTo(C));
        Assert.That(lblc.NextAddress(target: OtherTarget), Is.EqualTo(B));
    }

    [Test]
    public void Lblc_QuiescedOrRemovedMappedServer_IsReplaced()
    {
        var lblc = Weighted123();
        lblc.NextAddress(target: Target);
        lblc.Edit(C, 0);
        Assert.That(lblc.NextAddress(target: Target), Is.EqualTo(B));

        lblc.Delete(B);
        Assert.That(lblc.NextAddress(target: Target), Is.EqualTo(A));
    }

    [Test]
    public void Lblc_IdleEntry_GoesAtTheFirstFullCheckAfterADay()
    {
        var lblc = Weighted123();
        var scheduler = (LocalityBasedLeastConnectionScheduler)lblc.Scheduler;
        lblc.NextAddress(target: Target, now: 0); // arms the 60 s timer; full checks every 30 ticks

        lblc.NextAddress(target: OtherTarget, now: (86_400 * Second) - 1);
        Assert.That(scheduler.MappedTargets, Is.EqualTo(2));

        // The full check at 86 400 s (tick 1440) finds the first target idle for exactly a day.
        lblc.NextAddress(target: OtherTarget, now: 86_400 * Second);
        Assert.That(scheduler.MappedTargets, Is.EqualTo(1));
    }

    [Test]
    public void Lblc_UseRefreshesTheEntry_AndAnExpiredTargetIsMappedAfresh()
    {
        var lblc = Weighted123();
        var scheduler = (LocalityBasedLeastConnectionScheduler)lblc.Scheduler;
        lblc.NextAddress(target: Target, now: 0);
        lblc.NextAddress(target: Target, now: 43_200 * Second);

        lblc.NextAddress(target: OtherTarget, now: 129_600 * Second - 1);
        Assert.That(scheduler.MappedTargets, Is.EqualTo(2));

        lblc.Find(C).ActiveConnections = 3; // C is not overloaded, but a fresh wlc choice picks B
        Assert.That(lblc.NextAddress(target: Target, now: 129_600 * Second), Is.EqualTo(B));
    }

    [Test]
    public void Lblc_TableOverItsLimit_TickDropsSixMinuteIdleEntriesBucketByBucketUntilTheGoal()
    {
        // 16 414 targets 172.16.0.0 + i, all used at 0: 30 over the 16 384 limit, so each tick aims to
        // drop 30 * 4 / 3 = 40 entries idle for 6 minutes. The ticks at 60..300 s find none idle long
        // enough; the one at 360 s walks buckets 1, 2, 3 (16 entries each, low bytes 849, 674 and 499
        // being above 29) and stops there with 48 gone.
        var lblc = Weighted123();
        var scheduler = (LocalityBasedLeastConnectionScheduler)lblc.Scheduler;
        var first = Ipv4Address.Parse("172.16.0.0").Value;
        for (var i = 0u; i < 16_414; i++)
        {
            lblc.Next(target: new Ipv4Address(first + i).ToString(), now: 0);
        }

        lblc.Next(target: "172.17.0.1", now: 359 * Second);
        Assert.That(scheduler.MappedTargets, Is.EqualTo(16_415));

        lblc.Next(target: "172.17.0.2", now: 360 * Second);
        Assert.That(scheduler.MappedTargets, Is.EqualTo(16_415 - 48 + 1));
    }

    private static ServiceUnderTest Weighted123()
    {
        var lblc = new ServiceUnderTest("lblc");
        lblc.Add(A, 1);
        lblc.Add(B, 2);
        lblc.Add(C, 3);
        return lblc;
    }
}
