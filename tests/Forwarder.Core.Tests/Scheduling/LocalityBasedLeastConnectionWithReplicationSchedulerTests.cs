using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;

namespace Forwarder.Core.Tests.Scheduling;

public sealed class LocalityBasedLeastConnectionWithReplicationSchedulerTests
{
    private const string A = "10.1.0.1";
    private const string B = "10.1.0.2";
    private const string C = "10.1.0.3";
    private const string Target = "172.16.0.1";
    private const long Second = 1_000_000;

    [Test]
    public void Lblcr_NewTarget_GetsAOneServerSet()
    {
        var lblcr = Weighted123();
        Assert.That(lblcr.NextAddress(target: Target), Is.EqualTo(C));
        Assert.That(ServerSet(lblcr), Is.EqualTo(new[] { C }));
    }

    [Test]
    public void Lblcr_OverloadedMember_TheWlcChoiceJoinsTheSet_AndServesFromThen()
    {
        var lblcr = Weighted123();
        lblcr.NextAddress(target: Target);
        lblcr.Find(C).ActiveConnections = 4; // 4 > 3 and A has spare room
        Assert.That(lblcr.NextAddress(target: Target), Is.EqualTo(B));
        Assert.That(ServerSet(lblcr), Is.EqualTo(new[] { B, C }));

        // Least loaded member per weight: B 0/2 against C 4/3.
        Assert.That(lblcr.NextAddress(target: Target), Is.EqualTo(B));
        lblcr.Find(B).ActiveConnections = 3;
        lblcr.Find(C).ActiveConnections = 1;
        Assert.That(lblcr.NextAddress(target: Target), Is.EqualTo(C));
    }

    [Test]
    public void Lblcr_SetUnchangedForADay_DropsItsMostLoadedMember()
    {
        var lblcr = Weighted123();
        lblcr.NextAddress(target: Target, now: 0);
        lblcr.Find(C).ActiveConnections = 4;
        lblcr.NextAddress(target: Target, now: 0); // B joins; the set last changed at 0
        lblcr.NextAddress(target: Target, now: 43_200 * Second); // keeps the entry in use

        Assert.That(lblcr.NextAddress(target: Target, now: 86_400 * Second), Is.EqualTo(B));
        Assert.That(ServerSet(lblcr), Is.EqualTo(new[] { B, C })); // not strictly after a day yet

        Assert.That(lblcr.NextAddress(target: Target, now: (86_400 * Second) + 1), Is.EqualTo(B));
        Assert.That(ServerSet(lblcr), Is.EqualTo(new[] { B })); // C: 1024/3 against B's 0/2
    }

    [Test]
    public void Lblcr_RemovedOrQuiescedMember_IsPassedOver()
    {
        var lblcr = Weighted123();
        lblcr.NextAddress(target: Target);
        lblcr.Find(C).ActiveConnections = 4;
        lblcr.NextAddress(target: Target); // set B, C
        lblcr.Find(C).ActiveConnections = 0;
        lblcr.Find(B).ActiveConnections = 2;

        lblcr.Delete(C);
        Assert.That(lblcr.NextAddress(target: Target), Is.EqualTo(B));

        lblcr.Edit(B, 0);
        // No member usable: the service-wide wlc choice (A) joins the set.
        Assert.That(lblcr.NextAddress(target: Target), Is.EqualTo(A));
        Assert.That(ServerSet(lblcr).First(), Is.EqualTo(A));
    }

    [Test]
    public void Lblcr_NothingUsable_GivesNothing()
    {
        var lblcr = Weighted123();
        lblcr.Edit(A, 0);
        lblcr.Edit(B, 0);
        lblcr.Edit(C, 0);
        Assert.That(lblcr.NextAddress(target: Target), Is.EqualTo("none"));
    }

    private static string[] ServerSet(ServiceUnderTest lblcr) =>
        ((LocalityBasedLeastConnectionWithReplicationScheduler)lblcr.Scheduler)
            .ServersOf(Ipv4Address.Parse(Target).Value).Select(d => d.Address.ToString()).ToArray();

    private static ServiceUnderTest Weighted123()
    {
        var lblcr = new ServiceUnderTest("lblcr");
        lblcr.Add(A, 1);
        lblcr.Add(B, 2);
        lblcr.Add(C, 3);
        return lblcr;
    }
}
