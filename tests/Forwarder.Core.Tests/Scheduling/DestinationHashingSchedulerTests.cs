using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;

namespace Forwarder.Core.Tests.Scheduling;

public sealed class DestinationHashingSchedulerTests
{
    /// <summary>
    /// (address * 2654435761) mod 256 only depends on the low byte: low byte * 0xB1 mod 256.
    /// 192.168.1.113: 113 * 177 = 20001 = 78 * 256 + 33. 10.0.0.1: 177. 10.0.0.2: 354 - 256 = 98.
    /// </summary>
    [TestCase("192.168.1.113", 33)]
    [TestCase("10.0.0.1", 177)]
    [TestCase("10.0.0.2", 98)]
    [TestCase("10.0.0.0", 0)]
    public void Dh_Bucket_IsTheKernelMultiplicativeHash(string address, int bucket) =>
        Assert.That(DestinationHashingScheduler.BucketOf(Ipv4Address.Parse(address).Value), Is.EqualTo(bucket));

    [Test]
    public void Dh_TableTakesTheListRoundRobin_IgnoringWeights()
    {
        var dh = ThreeServers();
        var scheduler = (DestinationHashingScheduler)dh.Scheduler;
        Assert.That(Enumerable.Range(0, 6).Select(b => scheduler.BucketServer(b)!.Address.ToString()),
            Is.EqualTo(new[] { "10.1.0.3", "10.1.0.2", "10.1.0.1", "10.1.0.3", "10.1.0.2", "10.1.0.1" }));
    }

    [Test]
    public void Dh_256Targets_SpreadAsTheTable_AndStable()
    {
        var dh = ThreeServers();
        var first = CountByServer(dh, 256);
        // Buckets 0..255 go C, B, A, C, ...: 86, 85, 85; each target low byte hits a different bucket.
        Assert.That(first, Is.EqualTo(new Dictionary<string, int> { ["10.1.0.3"] = 86, ["10.1.0.2"] = 85, ["10.1.0.1"] = 85 }));

        var again = ServiceUnderTest.Clients(256).Select(t => dh.NextAddress(target: new Ipv4Address(t).ToString()));
        var before = ServiceUnderTest.Clients(256).Select(t => dh.NextAddress(target: new Ipv4Address(t).ToString()));
        Assert.That(again, Is.EqualTo(before));
    }

    [Test]
    public void Dh_HashesTheTarget_NotTheClient()
    {
        var dh = ThreeServers();
        var servers = ServiceUnderTest.Clients(300).Select(c => dh.NextAddress(client: new Ipv4Address(c).ToString())).Distinct().ToList();
        // Bucket 33 (the virtual address) holds list[33 % 3] = list[0].
        Assert.That(servers, Is.EqualTo(new[] { "10.1.0.3" }));
    }

    [Test]
    public void Dh_UnusableServer_NoFallback()
    {
        var dh = ThreeServers();
        dh.Edit("10.1.0.3", 0); // the table keeps it (weights are ignored), the flow gets nothing
        Assert.That(dh.NextAddress(target: "10.0.0.0"), Is.EqualTo("none"));
        dh.Edit("10.1.0.3", 1);
        dh.Find("10.1.0.3").IsOverloaded = true;
        Assert.That(dh.NextAddress(target: "10.0.0.0"), Is.EqualTo("none"));
        Assert.That(dh.NextAddress(target: "10.0.0.1"), Is.EqualTo("none")); // bucket 177 = 3 * 59: C too
        Assert.That(dh.NextAddress(target: "10.0.0.2"), Is.EqualTo("10.1.0.1")); // bucket 98 = 3 * 32 + 2
    }

    [Test]
    public void Dh_Removal_RebuildsTheTable()
    {
        var dh = ThreeServers();
        dh.Delete("10.1.0.3");
        Assert.That(CountByServer(dh, 256), Is.EqualTo(new Dictionary<string, int> { ["10.1.0.2"] = 128, ["10.1.0.1"] = 128 }));
    }

    private static Dictionary<string, int> CountByServer(ServiceUnderTest dh, int targets) =>
        ServiceUnderTest.Clients(targets)
            .GroupBy(t => dh.NextAddress(target: new Ipv4Address(t).ToString()))
            .ToDictionary(g => g.Key, g => g.Count());

    private static ServiceUnderTest ThreeServers()
    {
        var dh = new ServiceUnderTest("dh");
        dh.Add("10.1.0.1", 1);
        dh.Add("10.1.0.2", 5);
        dh.Add("10.1.0.3", 9);
        return dh;
    }
}
