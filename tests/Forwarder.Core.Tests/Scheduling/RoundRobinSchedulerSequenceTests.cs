namespace Forwarder.Core.Tests.Scheduling;

public sealed class RoundRobinSchedulerSequenceTests
{
    [Test]
    public void Rr_SeedExample_FirstFlowGoesToLastAddedDestination()
    {
        var rr = new ServiceUnderTest("rr");
        rr.Add("192.168.139.254");
        rr.Add("192.168.139.253");
        rr.Add("192.168.139.252");

        Assert.That(rr.Sequence(7), Is.EqualTo(new[]
        {
            "192.168.139.252", "192.168.139.253", "192.168.139.254",
            "192.168.139.252", "192.168.139.253", "192.168.139.254", "192.168.139.252",
        }));
    }

    [Test]
    public void Rr_SkipsQuiescentAndOverloaded()
    {
        var rr = new ServiceUnderTest("rr");
        rr.Add("10.1.0.3");
        rr.Add("10.1.0.2");
        rr.Add("10.1.0.1");
        rr.Edit("10.1.0.2", 0);
        rr.Find("10.1.0.3").IsOverloaded = true;

        Assert.That(rr.Sequence(3), Is.EqualTo(new[] { "10.1.0.1", "10.1.0.1", "10.1.0.1" }));
        rr.Find("10.1.0.1").IsOverloaded = true;
        Assert.That(rr.NextAddress(), Is.EqualTo("none"));
    }
}
