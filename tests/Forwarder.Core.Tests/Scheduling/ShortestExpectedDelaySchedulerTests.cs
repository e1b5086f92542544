namespace Forwarder.Core.Tests.Scheduling;

public sealed class ShortestExpectedDelaySchedulerTests
{
    private const string A = "10.1.0.1";
    private const string B = "10.1.0.2";
    private const string C = "10.1.0.3";

    /// <summary>
    /// A w1, B w2, C w3 (list C, B, A), cost (active + 1) / weight. By hand: C (1/3); B (2/3 vs 1/2);
    /// C (2/3 vs 2/2 vs 1/1); C (3/3 ties 2/2 and 1/1: C first); B (4/3 vs 2/2); A (4/3, 3/2, 1/1).
    /// wlc would have sent the third flow to A: sed counts the flow being placed.
    /// </summary>
    [Test]
    public void Sed_ActiveFlows_FollowExpectedDelay()
    {
        var sed = Weighted123();
        Assert.That(sed.OpenActive(6), Is.EqualTo(new[] { C, B, C, C, B, A }));
    }

    [Test]
    public void Sed_InactiveConnectionsDoNotCount()
    {
        var sed = Weighted123();
        sed.Find(C).InactiveConnections = 1000;
        Assert.That(sed.NextAddress(), Is.EqualTo(C));
    }

    [Test]
    public void Sed_ClosingAndEditing_MoveTheChoice()
    {
        var sed = Weighted123();
        sed.OpenActive(6); // C 3, B 2, A 1
        sed.Find(B).ActiveConnections = 0; // B: 1/2 is the least
        Assert.That(sed.NextAddress(), Is.EqualTo(B));

        sed.Edit(B, 0);
        Assert.That(sed.NextAddress(), Is.EqualTo(C)); // C 4/3, A 2/1
    }

    [Test]
    public void Sed_OverloadedSkipped_NoneLeftGivesNothing()
    {
        var sed = Weighted123();
        sed.Find(C).IsOverloaded = true;
        Assert.That(sed.NextAddress(), Is.EqualTo(B));
        sed.Find(B).IsOverloaded = true;
        sed.Find(A).IsOverloaded = true;
        Assert.That(sed.NextAddress(), Is.EqualTo("none"));
    }

    private static ServiceUnderTest Weighted123()
    {
        var sed = new ServiceUnderTest("sed");
        sed.Add(A, 1);
        sed.Add(B, 2);
        sed.Add(C, 3);
        return sed;
    }
}
