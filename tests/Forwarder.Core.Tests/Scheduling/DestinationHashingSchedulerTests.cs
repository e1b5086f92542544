using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;

namespace Forwarder.Core.Tests.Scheduling;

public sealed class DestinationHashingSchedulerTests
{
    /// <summary>
    /// hash_32(address, 8): the top byte of address * 0x61C88647 (mod 2^32), every byte of the address
    /// counting (before Linux 4.18 only the low byte did). 192.168.1.113: 80; 10.0.0.0: 198; 10.0.0.1: 39;
    /// 10.0.0.2: 137. (KernelHashSequenceTests holds what Linux 6.1 chose for 220 targets.)
    /// </summary>
    [TestCase("192.168.1.113", 80)]
    [TestCase("10.0.0.1", 39)]
    [TestCase("10.0.0.2", 137)]
    [TestCase("10.0.0.0", 198)]
    public void Dh_Bucket_IsTheKernelHash32(string address, int bucket) =>
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
        // Buckets 0..255 go C, B, A, C, ...; the 256 targets 10.0.0.0 to .255 land 88, 86, 82 on them.
        Assert.That(first, Is.EqualTo(new Dictionary<string, int> { ["10.1.0.3"] = 88, ["10.1.0.2"] = 86, ["10.1.0.1"] = 82 }));

        var again = ServiceUnderTest.Clients(256).Select(t => dh.NextAddress(target: new Ipv4Address(t).ToString()));
        var before = ServiceUnderTest.Clients(256).Select(t => dh.NextAddress(target: new Ipv4Address(t).ToString()));
        Assert.That(again, Is.EqualTo(before));
    }

    [Test]
    public void Dh_HashesTheTarget_NotTheClient()
    {
        var dh = ThreeServers();
        var servers = ServiceUnderTest.Clients(300).Select(c => dh.NextAddress(client: new Ipv4Address(c).ToString())).Distinct().ToList();
        // Bucket 80 (the virtual address) holds list[80 % 3] = list[2].
        Assert.That(servers, Is.EqualTo(new[] { "10.1.0.1" }));
    }

    [Test]
    public void Dh_UnusableServer_NoFallback()
    {
        var dh = ThreeServers();
        dh.Edit("10.1.0.3", 0); // the table keeps it (weights are ignored), the flow gets nothing
        Assert.That(dh.NextAddress(target: "10.0.0.0"), Is.EqualTo("none")); // bucket 198 = 3 * 66: C
        dh.Edit("10.1.0.3", 1);
        dh.Find("10.1.0.3").IsOverloaded = true;
        Assert.That(dh.NextAddress(target: "10.0.0.0"), Is.EqualTo("none"));
        Assert.That(dh.NextAddress(target: "10.0.0.1"), Is.EqualTo("none")); // bucket 39 = 3 * 13: C too
        Assert.That(dh.NextAddress(target: "10.0.0.2"), Is.EqualTo("10.1.0.1")); // bucket 137 = 3 * 45 + 2
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
