namespace Forwarder.Core.Tests.Scheduling;

public sealed class NeverQueueSchedulerTests
{
    private const string A = "10.1.0.1";
    private const string B = "10.1.0.2";
    private const string C = "10.1.0.3";

    /// <summary>
    /// A w1, B w2, C w3 (list C, B, A). Idle servers first, in list order: C, B, A. Then sed's rule:
    /// C (2/3, ties 2/2 and 2/1 lose); C (3/3 vs 2/2: tie stays); B (4/3 vs 2/2).
    /// </summary>
    [Test]
    public void Nq_IdleServersFirst_ThenShortestExpectedDelay()
    {
        var nq = Weighted123();
        Assert.That(nq.OpenActive(6), Is.EqualTo(new[] { C, B, A, C, C, B }));
    }

    [Test]
    public void Nq_AServerFallingIdle_GetsTheNextFlowWhateverItsWeight()
    {
        var nq = Weighted123();
        nq.OpenActive(6);
        nq.Find(A).ActiveConnections = 0;
        Assert.That(nq.NextAddress(), Is.EqualTo(A));
    }

    [Test]
    public void Nq_IdleButQuiescentOrOverloaded_IsNotTaken()
    {
        var nq = Weighted123();
        nq.Find(C).ActiveConnections = 5;
        nq.Find(B).ActiveConnections = 5;
        nq.Edit(A, 0);
        Assert.That(nq.NextAddress(), Is.EqualTo(C)); // 6/3 vs 6/2

        nq.Edit(A, 1);
        nq.Find(A).IsOverloaded = true;
        Assert.That(nq.NextAddress(), Is.EqualTo(C));

        nq.Find(A).IsOverloaded = false;
        Assert.That(nq.NextAddress(), Is.EqualTo(A));
    }

    [Test]
    public void Nq_NothingUsable_GivesNothing()
    {
        var nq = Weighted123();
        nq.Delete(C);
        nq.Edit(B, 0);
        nq.Find(A).IsOverloaded = true;
        Assert.That(nq.NextAddress(), Is.EqualTo("none"));
    }

    private static ServiceUnderTest Weighted123()
    {
        var nq = new ServiceUnderTest("nq");
        nq.Add(A, 1);
        nq.Add(B, 2);
        nq.Add(C, 3);
        return nq;
    }
}
