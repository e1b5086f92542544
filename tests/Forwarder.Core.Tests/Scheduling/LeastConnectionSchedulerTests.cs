namespace Forwarder.Core.Tests.Scheduling;

public sealed class LeastConnectionSchedulerTests
{
    [Test]
    public void Lc_AllIdle_TiesGoToTheHeadOfTheList()
    {
        var lc = ThreeServers();
        Assert.That(lc.NextAddress(), Is.EqualTo("10.1.0.3"));
    }

    [Test]
    public void Lc_NewFlowsSpreadByOverhead_AndClosingFlowsFreeRoom()
    {
        var lc = ThreeServers();

        Assert.That(lc.OpenActive(6), Is.EqualTo(new[] { "10.1.0.3", "10.1.0.2", "10.1.0.1", "10.1.0.3", "10.1.0.2", "10.1.0.1" }));

        // A flow to .2 closes: .2 now has the least overhead.
        lc.Find("10.1.0.2").ActiveConnections--;
        Assert.That(lc.NextAddress(), Is.EqualTo("10.1.0.2"));
    }

    [Test]
    public void Lc_OneActiveWeighs256Inactive()
    {
        var lc = ThreeServers();
        lc.Find("10.1.0.3").ActiveConnections = 1;    // 256
        lc.Find("10.1.0.2").InactiveConnections = 255; // 255
        lc.Find("10.1.0.1").InactiveConnections = 256; // 256

        Assert.That(lc.NextAddress(), Is.EqualTo("10.1.0.2"));
        lc.Find("10.1.0.2").InactiveConnections = 256;
        // All at 256: the first in list order keeps it.
        Assert.That(lc.NextAddress(), Is.EqualTo("10.1.0.3"));
    }

    [Test]
    public void Lc_WeightDoesNotCountExceptZero()
    {
        var lc = ThreeServers();
        lc.Edit("10.1.0.3", 100);
        lc.Find("10.1.0.3").InactiveConnections = 1;
        Assert.That(lc.NextAddress(), Is.EqualTo("10.1.0.2"));

        lc.Edit("10.1.0.2", 0);
        Assert.That(lc.NextAddress(), Is.EqualTo("10.1.0.1"));
    }

    [Test]
    public void Lc_OverloadedAndQuiescentSkipped_NoneLeftGivesNothing()
    {
        var lc = ThreeServers();
        lc.Find("10.1.0.3").IsOverloaded = true;
        lc.Edit("10.1.0.2", 0);
        Assert.That(lc.NextAddress(), Is.EqualTo("10.1.0.1"));

        lc.Find("10.1.0.1").IsOverloaded = true;
        Assert.That(lc.NextAddress(), Is.EqualTo("none"));
    }

    [Test]
    public void Lc_Removal_LeavesTheRest()
    {
        var lc = ThreeServers();
        lc.Delete("10.1.0.3");
        Assert.That(lc.NextAddress(), Is.EqualTo("10.1.0.2"));
    }

    private static ServiceUnderTest ThreeServers()
    {
        var lc = new ServiceUnderTest("lc");
        lc.Add("10.1.0.1");
        lc.Add("10.1.0.2");
        lc.Add("10.1.0.3");
        return lc;
    }
}
