namespace Forwarder.Core.Tests.Scheduling;

public sealed class WeightedRoundRobinSchedulerTests
{
    private const string W1 = "192.168.139.129";
    private const string W2 = "192.168.139.144";
    private const string W3 = "192.168.139.131";

    /// <summary>
    /// Added .129 w1, .144 w2, .131 w3: the list is .131, .144, .129. cw was 1 when the first destination
    /// arrived and later adds keep it (di = 1), so the first round asks for weight &gt;= 1 and takes all
    /// three; from then on each cycle is cw = 3: .131; cw = 2: .131, .144; cw = 1: .131, .144, .129.
    /// </summary>
    [Test]
    public void Wrr_SeedWeights123_FollowTheKernelSequence()
    {
        var wrr = SeedService();

        Assert.That(wrr.Sequence(15), Is.EqualTo(new[]
        {
            W3, W2, W1,
            W3, W3, W2, W3, W2, W1,
            W3, W3, W2, W3, W2, W1,
        }));
    }

    [Test]
    public void Wrr_BoundByEditService_StartsAtMaxWeight()
    {
        // The same list under rr, then -E -s wrr: init_service sets cw = mw = 3 straight away.
        var wrr = new ServiceUnderTest("rr");
        wrr.Add(W1, 1);
        wrr.Add(W2, 2);
        wrr.Add(W3, 3);
        wrr.Table.EditService(new Services.ServiceSpec(wrr.Key, "wrr"));

        Assert.That(wrr.Sequence(12), Is.EqualTo(new[] { W3, W3, W2, W3, W2, W1, W3, W3, W2, W3, W2, W1 }));
    }

    [Test]
    public void Wrr_WeightsWithCommonDivisor_StepByTheGcd()
    {
        // A w2 then B w4: di = 2, mw = 4 - 1 = 3; cw was 1 from the first add and stays (1 / 2 * 2 + 1).
        var wrr = new ServiceUnderTest("wrr");
        wrr.Add("10.1.0.1", 2);
        wrr.Add("10.1.0.2", 4);

        Assert.That(wrr.Sequence(8), Is.EqualTo(new[]
        {
            "10.1.0.2", "10.1.0.1",
            "10.1.0.2", "10.1.0.2", "10.1.0.1",
            "10.1.0.2", "10.1.0.2", "10.1.0.1",
        }));
    }

    [Test]
    public void Wrr_EditOfAnyDestination_RestartsFromTheHeadKeepingCw()
    {
        var wrr = SeedService();
        wrr.Sequence(6); // ends on .144 at cw = 2

        // Unedited, the next three would be .131, .144, .129 (cw = 1). The edit puts the walk back at the
        // head with cw still 2, so the pass for weight >= 2 runs again.
        wrr.Edit(W1, 1);
        Assert.That(wrr.Sequence(3), Is.EqualTo(new[] { W3, W2, W3 }));
    }

    [Test]
    public void Wrr_Removal_ClampsCwToTheNewMaximum()
    {
        var wrr = SeedService();
        wrr.Sequence(4); // ends on .131 at cw = 3

        wrr.Delete(W3); // mw becomes 2, cw 3 > 2 so cw = 2, walk from the head
        Assert.That(wrr.Sequence(6), Is.EqualTo(new[] { W2, W2, W1, W2, W2, W1 }));
    }

    [Test]
    public void Wrr_QuiescentDestination_IsLeftOut()
    {
        var wrr = SeedService();
        // Weights 2 and 1 left: mw = 2, and cw (still 1 from the first add) is kept, so the first round
        // asks for weight >= 1 from the head, skipping the quiescent .131.
        wrr.Edit(W3, 0);

        Assert.That(wrr.Sequence(6), Is.EqualTo(new[] { W2, W1, W2, W2, W1, W2 }));
    }

    [Test]
    public void Wrr_AllWeightsZero_NoDestination()
    {
        var wrr = new ServiceUnderTest("wrr");
        wrr.Add("10.1.0.1", 0);
        wrr.Add("10.1.0.2", 0);

        Assert.That(wrr.NextAddress(), Is.EqualTo("none"));
    }

    [Test]
    public void Wrr_Overloaded_SkippedAndLastPassEndsTheSearch()
    {
        var wrr = SeedService();
        wrr.Find(W3).IsOverloaded = true;
        wrr.Find(W2).IsOverloaded = true;

        // Only .129 (w1) is left: it is found on the last pass of each round.
        Assert.That(wrr.Sequence(3), Is.EqualTo(new[] { W1, W1, W1 }));

        wrr.Find(W1).IsOverloaded = true;
        Assert.That(wrr.NextAddress(), Is.EqualTo("none"));

        // The failed search left the walk at the head; with .131 back it goes on from there.
        wrr.Find(W3).IsOverloaded = false;
        Assert.That(wrr.NextAddress(), Is.EqualTo(W3));
    }

    private static ServiceUnderTest SeedService()
    {
        var wrr = new ServiceUnderTest("wrr");
        wrr.Add(W1, 1);
        wrr.Add(W2, 2);
        wrr.Add(W3, 3);
        return wrr;
    }
}
