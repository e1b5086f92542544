namespace Forwarder.Core.Tests.Scheduling;

public sealed class OverflowConnectionSchedulerTests
{
    /// <summary>
    /// A w1 then B w3 (list B, A). The kernel skips a server only when active &gt; weight, so B takes flows
    /// while it has 0..3 active (four flows), then A while it has 0..1 (two), then nothing.
    /// </summary>
    [Test]
    public void Ovf_FillsTheHighestWeightPastItsWeight_ThenOverflows()
    {
        var ovf = new ServiceUnderTest("ovf");
        ovf.Add("10.1.0.1", 1);
        ovf.Add("10.1.0.2", 3);

        Assert.That(ovf.OpenActive(7), Is.EqualTo(new[]
        {
            "10.1.0.2", "10.1.0.2", "10.1.0.2", "10.1.0.2", "10.1.0.1", "10.1.0.1", "none",
        }));
    }

    [Test]
    public void Ovf_ClosingFlowsOnTheBigServer_BringTrafficBack()
    {
        var ovf = new ServiceUnderTest("ovf");
        ovf.Add("10.1.0.1", 1);
        ovf.Add("10.1.0.2", 3);
        ovf.OpenActive(6);

        ovf.Find("10.1.0.2").ActiveConnections = 3;
        Assert.That(ovf.NextAddress(), Is.EqualTo("10.1.0.2"));
    }

    [Test]
    public void Ovf_InactiveConnectionsDoNotCount_QuiescentAndOverloadedSkipped()
    {
        var ovf = new ServiceUnderTest("ovf");
        ovf.Add("10.1.0.1", 1);
        ovf.Add("10.1.0.2", 3);
        ovf.Find("10.1.0.2").InactiveConnections = 50;
        Assert.That(ovf.NextAddress(), Is.EqualTo("10.1.0.2"));

        ovf.Edit("10.1.0.2", 0);
        Assert.That(ovf.NextAddress(), Is.EqualTo("10.1.0.1"));
        ovf.Find("10.1.0.1").IsOverloaded = true;
        Assert.That(ovf.NextAddress(), Is.EqualTo("none"));
    }

    [Test]
    public void Ovf_EqualWeights_TheEarlierInListOrder()
    {
        var ovf = new ServiceUnderTest("ovf");
        ovf.Add("10.1.0.1", 2);
        ovf.Add("10.1.0.2", 2);
        Assert.That(ovf.NextAddress(), Is.EqualTo("10.1.0.2"));
    }
}
