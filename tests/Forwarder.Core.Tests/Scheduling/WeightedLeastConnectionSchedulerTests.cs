namespace Forwarder.Core.Tests.Scheduling;

public sealed class WeightedLeastConnectionSchedulerTests
{
    private const string A = "10.1.0.1";
    private const string B = "10.1.0.2";
    private const string C = "10.1.0.3";

    /// <summary>
    /// A w1, B w2, C w3 added in that order: list C, B, A. Each flow stays active (overhead 256 each).
    /// Worked by hand with the kernel's test overhead(least) * w(d) &gt; overhead(d) * w(least):
    /// C (all 0); B (256*2 &gt; 0); A (256*1 &gt; 0); C (256 each, C first and no one strictly better);
    /// B (512*2 &gt; 256*3); C (512*2 vs 512*3, 512*1 vs 256*3: none better); C (768*2 = 512*3 is a tie).
    /// </summary>
    [Test]
    public void Wlc_ActiveFlows_FollowTheCrossMultipliedComparison()
    {
        var wlc = Weighted123();
        Assert.That(wlc.OpenActive(7), Is.EqualTo(new[] { C, B, A, C, B, C, C }));
    }

    [Test]
    public void Wlc_ClosingFlows_MoveTheChoice()
    {
        var wlc = Weighted123();
        wlc.OpenActive(7); // C 4, B 2, A 1 active
        wlc.Find(C).ActiveConnections -= 3; // C 1: 256/3 is the least
        Assert.That(wlc.NextAddress(), Is.EqualTo(C));
        wlc.Find(C).ActiveConnections += 3;
        wlc.Find(A).ActiveConnections = 0;
        Assert.That(wlc.NextAddress(), Is.EqualTo(A));
    }

    [Test]
    public void Wlc_InactiveConnectionsCountOneTwoHundredFiftySixth()
    {
        var wlc = Weighted123();
        wlc.Find(C).InactiveConnections = 3; // 3/3 = 1
        wlc.Find(B).InactiveConnections = 3; // 3/2
        wlc.Find(A).InactiveConnections = 1; // 1/1: ties with C, C is first
        Assert.That(wlc.NextAddress(), Is.EqualTo(C));
    }

    [Test]
    public void Wlc_WeightEdit_ChangesTheRatio()
    {
        var wlc = Weighted123();
        wlc.Find(C).ActiveConnections = 3;
        wlc.Find(B).ActiveConnections = 2;
        wlc.Find(A).ActiveConnections = 1;
        Assert.That(wlc.NextAddress(), Is.EqualTo(C)); // all 1 per weight unit: first wins

        wlc.Edit(A, 2); // A now 0.5
        Assert.That(wlc.NextAddress(), Is.EqualTo(A));
    }

    [Test]
    public void Wlc_QuiescentOverloadedAndRemoved_AreSkipped()
    {
        var wlc = Weighted123();
        wlc.Edit(C, 0);
        wlc.Find(B).IsOverloaded = true;
        Assert.That(wlc.NextAddress(), Is.EqualTo(A));

        wlc.Delete(A);
        Assert.That(wlc.NextAddress(), Is.EqualTo("none"));
    }

    private static ServiceUnderTest Weighted123()
    {
        var wlc = new ServiceUnderTest("wlc");
        wlc.Add(A, 1);
        wlc.Add(B, 2);
        wlc.Add(C, 3);
        return wlc;
    }
}
