using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;

namespace Forwarder.Core.Tests.Scheduling;

/// <summary>
/// Expected values were computed with an independent model of <c>ip_vs_mh.c</c> and the kernel's
/// 64-bit hsiphash (SipHash-1-3), whose core was checked against CPython's siphash13; the table has
/// 4093 slots as Linux 6.1's (the same model reproduces the choices in KernelHashSequenceTests).
/// </summary>
public sealed class MaglevHashingSchedulerTests
{
    private const string W1 = "192.168.139.129";
    private const string W2 = "192.168.139.144";
    private const string W3 = "192.168.139.131";

    [TestCase(W3, 3693219182u)]
    [TestCase(W2, 2721888979u)]
    [TestCase(W1, 856476849u)]
    [TestCase("0.0.0.0", 492468162u)]
    public void Mh_SlotHash_IsTheKernelsHsiphash(string address, uint hash)
    {
        var port = address == "0.0.0.0" ? (ushort)0 : (ushort)80;
        Assert.That(MaglevHashingScheduler.HashKey(Ipv4Address.Parse(address).Value, port, MaglevHashingScheduler.SlotHashKey), Is.EqualTo(hash));
    }

    [TestCase(W3, 2957, 835)]
    [TestCase(W2, 3049, 2406)]
    [TestCase(W1, 227, 2862)]
    public void Mh_DestinationOffsetAndSkip_FromTheTwoKeys(string address, int offset, int skip)
    {
        var value = Ipv4Address.Parse(address).Value;
        Assert.Multiple(() =>
        {
            Assert.That(MaglevHashingScheduler.HashKey(value, 80, MaglevHashingScheduler.SlotHashKey) % 4093, Is.EqualTo((uint)offset));
            Assert.That(MaglevHashingScheduler.HashKey(value, 80, MaglevHashingScheduler.SkipHashKey) % 4092 + 1, Is.EqualTo((uint)skip));
        });
    }

    [Test]
    public void Mh_Weights123_FillTheTableAsTheKernel()
    {
        var mh = SeedService();
        Assert.That(SlotCounts(mh), Is.EqualTo(new Dictionary<string, int> { [W3] = 2047, [W2] = 1364, [W1] = 682 }));
        Assert.That(FirstSlots(mh, 12), Is.EqualTo(new[] { W2, W1, W2, W3, W3, W2, W2, W1, W3, W3, W1, W3 }));
    }

    [Test]
    public void Mh_EqualWeights_NearlyEqualSlots()
    {
        var mh = new ServiceUnderTest("mh");
        mh.Add(W1);
        mh.Add(W2);
        mh.Add(W3);
        Assert.That(SlotCounts(mh), Is.EqualTo(new Dictionary<string, int> { [W3] = 1365, [W2] = 1364, [W1] = 1364 }));
    }

    [Test]
    public void Mh_LargeWeights_AreShiftedToSixBitTurns()
    {
        // 1000 / gcd 1 needs 10 bits: shift 4, turns 62 and (1 >> 4 = 0, so) 1.
        var mh = new ServiceUnderTest("mh");
        mh.Add(W1, 1);
        mh.Add(W3, 1000);
        Assert.That(SlotCounts(mh), Is.EqualTo(new Dictionary<string, int> { [W3] = 4029, [W1] = 64 }));
    }

    [Test]
    public void Mh_Clients_GoToTheirSlot_Stably()
    {
        var mh = SeedService();
        var scheduler = (MaglevHashingScheduler)mh.Scheduler;
        // 10.0.0.1, .2, .3 hash to slots 3711, 1884, 3741.
        Assert.That(new[] { "10.0.0.1", "10.0.0.2", "10.0.0.3" }.Select(c => MaglevHashingScheduler.SlotOf(Ipv4Address.Parse(c).Value, 0)),
            Is.EqualTo(new[] { 3711, 1884, 3741 }));
        var first = ServiceUnderTest.Clients(300).Select(c => mh.NextAddress(client: new Ipv4Address(c).ToString())).ToList();
        var expected = ServiceUnderTest.Clients(300).Select(c => scheduler.SlotServer(MaglevHashingScheduler.SlotOf(c, 0))!.Address.ToString());
        Assert.That(first, Is.EqualTo(expected));
        Assert.That(ServiceUnderTest.Clients(300).Select(c => mh.NextAddress(client: new Ipv4Address(c).ToString(), clientPort: 9)), Is.EqualTo(first));
        Assert.That(first.Distinct().Count(), Is.EqualTo(3));
    }

    [Test]
    public void Mh_WithMhPort_TheClientPortIsHashed()
    {
        var mh = SeedService("mh-port");
        var scheduler = (MaglevHashingScheduler)mh.Scheduler;
        Assert.That(MaglevHashingScheduler.SlotOf(Ipv4Address.Parse("10.0.0.1").Value, 40000), Is.EqualTo(2940));
        Assert.That(mh.NextAddress(client: "10.0.0.1", clientPort: 40000), Is.EqualTo(scheduler.SlotServer(2940)!.Address.ToString()));
    }

    [Test]
    public void Mh_Quiesced_KeepsItsSlots_ItsClientsGetNothingWithoutFallback()
    {
        var mh = SeedService();
        var before = FirstSlots(mh, MaglevHashingScheduler.TableSize);
        mh.Edit(W2, 0);
        Assert.That(FirstSlots(mh, MaglevHashingScheduler.TableSize), Is.EqualTo(before)); // last weight 2 still counts
        // 10.0.0.1 hashes to slot 3711, which holds .144.
        Assert.That(mh.NextAddress(client: "10.0.0.1"), Is.EqualTo("none"));
    }

    [Test]
    public void Mh_Fallback_TriesTheKernelsOffsetHashes()
    {
        var mh = SeedService("mh-fallback");
        mh.Edit(W2, 0);
        // Tries hash(address + 3711 + n) for n = 0, 1, ...: the first lands on slot 891 (.131).
        Assert.That(mh.NextAddress(client: "10.0.0.1"), Is.EqualTo(W3));
    }

    [Test]
    public void Mh_Removal_MovesFewClientsOfTheOthers()
    {
        var mh = SeedService();
        mh.Delete(W2);
        Assert.That(SlotCounts(mh), Is.EqualTo(new Dictionary<string, int> { [W3] = 3070, [W1] = 1023 }));
        Assert.That(FirstSlots(mh, 12), Is.EqualTo(new[] { W3, W1, W3, W3, W3, W1, W3, W1, W3, W3, W1, W3 }));
    }

    [Test]
    public void Mh_AllWeightsZeroFromTheStart_EmptyTable()
    {
        var mh = new ServiceUnderTest("mh");
        mh.Add(W1, 0);
        Assert.That(mh.NextAddress(), Is.EqualTo("none"));
        mh.Edit(W1, 4);
        Assert.That(mh.NextAddress(), Is.EqualTo(W1));
    }

    private static ServiceUnderTest SeedService(string flags = "")
    {
        var mh = new ServiceUnderTest("mh", flags);
        mh.Add(W1, 1);
        mh.Add(W2, 2);
        mh.Add(W3, 3);
        return mh;
    }

    private static string[] FirstSlots(ServiceUnderTest mh, int count)
    {
        var scheduler = (MaglevHashingScheduler)mh.Scheduler;
        return Enumerable.Range(0, count).Select(s => scheduler.SlotServer(s)?.Address.ToString() ?? "none").ToArray();
    }

    private static Dictionary<string, int> SlotCounts(ServiceUnderTest mh) =>
        FirstSlots(mh, MaglevHashingScheduler.TableSize).GroupBy(a => a).ToDictionary(g => g.Key, g => g.Count());
}
