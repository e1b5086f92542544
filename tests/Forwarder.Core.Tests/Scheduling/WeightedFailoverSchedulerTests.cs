namespace Forwarder.Core.Tests.Scheduling;

public sealed class WeightedFailoverSchedulerTests
{
    [Test]
    public void Fo_EveryFlowGoesToTheHighestWeight_WhateverTheLoad()
    {
        var fo = new ServiceUnderTest("fo");
        fo.Add("10.1.0.1", 5);
        fo.Add("10.1.0.2", 10);
        fo.Add("10.1.0.3", 1);

        Assert.That(fo.OpenActive(4), Is.EqualTo(new[] { "10.1.0.2", "10.1.0.2", "10.1.0.2", "10.1.0.2" }));
    }

    [Test]
    public void Fo_EqualWeights_TheEarlierInListOrder()
    {
        var fo = new ServiceUnderTest("fo");
        fo.Add("10.1.0.1", 10);
        fo.Add("10.1.0.2", 10); // at the head
        Assert.That(fo.NextAddress(), Is.EqualTo("10.1.0.2"));
    }

    [Test]
    public void Fo_OverloadedQuiescentOrRemoved_FailsOverToTheNextWeight()
    {
        var fo = new ServiceUnderTest("fo");
        fo.Add("10.1.0.1", 5);
        fo.Add("10.1.0.2", 10);
        fo.Add("10.1.0.3", 1);

        fo.Find("10.1.0.2").IsOverloaded = true;
        Assert.That(fo.NextAddress(), Is.EqualTo("10.1.0.1"));

        fo.Find("10.1.0.2").IsOverloaded = false;
        fo.Edit("10.1.0.2", 0);
        Assert.That(fo.NextAddress(), Is.EqualTo("10.1.0.1"));

        fo.Delete("10.1.0.1");
        Assert.That(fo.NextAddress(), Is.EqualTo("10.1.0.3"));

        fo.Edit("10.1.0.3", 0);
        Assert.That(fo.NextAddress(), Is.EqualTo("none"));
    }
}
