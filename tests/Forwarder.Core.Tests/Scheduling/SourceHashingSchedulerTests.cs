using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;

namespace Forwarder.Core.Tests.Scheduling;

public sealed class SourceHashingSchedulerTests
{
    private const string A = "10.1.0.1";
    private const string B = "10.1.0.2";
    private const string C = "10.1.0.3";

    /// <summary>
    /// Bucket = hash_32(port + address, 8) + offset, mod 256: the top byte of (port + address) * 0x61C88647
    /// (mod 2^32). 10.0.0.1 = 0x0A000001 gives 0x27xxxxxx, bucket 39; 10.0.0.3 gives 235; the port is
    /// added to the address first, so 10.0.0.1:40000 gives 203 and :40001 gives 45. An offset (fallback)
    /// is added after hashing: offset 98 on 10.0.0.2's bucket 137 gives 235. (KernelHashSequenceTests
    /// holds what Linux 6.1 chose for 250 clients.)
    /// </summary>
    [TestCase("10.0.0.1", 0, 0u, 39)]
    [TestCase("10.0.0.3", 0, 0u, 235)]
    [TestCase("10.0.0.1", 40000, 0u, 203)]
    [TestCase("10.0.0.1", 40001, 0u, 45)]
    [TestCase("10.0.0.2", 0, 98u, 235)]
    public void Sh_Bucket_IsTheKernelFormula(string address, int port, uint offset, int bucket) =>
        Assert.That(SourceHashingScheduler.BucketOf(Ipv4Address.Parse(address).Value, (ushort)port, offset), Is.EqualTo(bucket));

    [Test]
    public void Sh_WeightsWhoseSumDivides256_SpreadExactly()
    {
        // A w1, B w1, C w2: list C, B, A; buckets C C B A repeating, 256 / 4 = 64 rounds.
        var sh = Service(1, 1, 2);
        Assert.That(BucketsByServer(sh), Is.EqualTo(new Dictionary<string, int> { [C] = 128, [B] = 64, [A] = 64 }));
    }

    [Test]
    public void Sh_Weights123_SpreadAsTheKernelTable()
    {
        // Pattern C C C B B A: 42 full rounds fill 252 buckets, the last four are C C C B.
        var sh = Service(1, 2, 3);
        Assert.That(BucketsByServer(sh), Is.EqualTo(new Dictionary<string, int> { [C] = 129, [B] = 85, [A] = 42 }));
    }

    [Test]
    public void Sh_MappingIsStable_AndPortBlindWithoutShPort()
    {
        var sh = Service(1, 1, 2);
        var first = ServiceUnderTest.Clients(300).Select(c => sh.NextAddress(client: new Ipv4Address(c).ToString(), clientPort: 1000)).ToList();
        var second = ServiceUnderTest.Clients(300).Select(c => sh.NextAddress(client: new Ipv4Address(c).ToString(), clientPort: 2000)).ToList();
        Assert.That(second, Is.EqualTo(first));
        // Buckets C C B A repeating: 10.0.0.1 -> 39 = 4 * 9 + 3 -> A; 10.0.0.2 -> 137 = 4 * 34 + 1 -> C;
        // 10.0.0.3 -> 235 = 4 * 58 + 3 -> A; 10.0.0.5 -> 174 = 4 * 43 + 2 -> B.
        Assert.That(first.Skip(1).Take(5), Is.EqualTo(new[] { A, C, A, C, B }));
    }

    [Test]
    public void Sh_WithShPort_TheClientPortMoves_TheBucket()
    {
        var sh = Service(1, 1, 2, flags: "sh-port");
        Assert.That(sh.NextAddress(client: "10.0.0.1", clientPort: 40000), Is.EqualTo(A)); // 203 = 4 * 50 + 3
        Assert.That(sh.NextAddress(client: "10.0.0.1", clientPort: 40001), Is.EqualTo(C)); // 45 = 4 * 11 + 1

        // Only TCP, UDP and SCTP carry a port: ICMP hashes with port 0, bucket 39.
        Assert.That(sh.NextAddress(client: "10.0.0.1", clientPort: 40001, protocol: 1), Is.EqualTo(A));
    }

    [Test]
    public void Sh_QuiescentServer_KeepsOneBucket_AndWithoutFallbackItsClientsGetNothing()
    {
        var sh = Service(1, 1, 2);
        sh.Edit(B, 0); // B still takes one bucket (C C B A), but is unusable
        Assert.That(sh.NextAddress(client: "10.0.0.5"), Is.EqualTo("none")); // bucket 174: B
        Assert.That(sh.NextAddress(client: "10.0.0.2"), Is.EqualTo(C)); // bucket 137: C
    }

    [Test]
    public void Sh_Fallback_FollowsTheKernelsOffsetWalk()
    {
        var sh = Service(1, 1, 2, flags: "sh-fallback");
        sh.Edit(B, 0);
        // 10.0.0.5 hashes to bucket 174 (B). The first fallback try is bucket 174 + 174 = 348, i.e. 92 =
        // 4 * 23, which holds C; a plain next-bucket walk would have given A (bucket 175).
        Assert.That(sh.NextAddress(client: "10.0.0.5"), Is.EqualTo(C));

        sh.Find(C).IsOverloaded = true;
        // Tries 92 (C), 93 (C), 94 (B), 95 (A).
        Assert.That(sh.NextAddress(client: "10.0.0.5"), Is.EqualTo(A));

        sh.Find(A).IsOverloaded = true;
        Assert.That(sh.NextAddress(client: "10.0.0.5"), Is.EqualTo("none"));
    }

    [Test]
    public void Sh_FlagsEditedOnTheService_TakeEffectOnTheNextFlow()
    {
        var sh = Service(1, 1, 2);
        sh.Edit(B, 0);
        Assert.That(sh.NextAddress(client: "10.0.0.5"), Is.EqualTo("none"));
        sh.SetFlags("sh-fallback,sh-port");
        Assert.That(sh.NextAddress(client: "10.0.0.5", clientPort: 0), Is.EqualTo(C));
    }

    [Test]
    public void Sh_Removal_RebuildsTheTable()
    {
        var sh = Service(1, 1, 2);
        sh.Delete(C); // B A B A ...
        Assert.That(BucketsByServer(sh), Is.EqualTo(new Dictionary<string, int> { [B] = 128, [A] = 128 }));
    }

    /// <summary>How many of the 256 buckets each server holds (hash_32 does not send 256 consecutive clients to 256 distinct buckets).</summary>
    private static Dictionary<string, int> BucketsByServer(ServiceUnderTest sh)
    {
        var table = (SourceHashingScheduler)sh.Scheduler;
        return Enumerable.Range(0, SourceHashingScheduler.TableSize)
            .GroupBy(bucket => table.BucketServer(bucket)!.Address.ToString())
            .ToDictionary(g => g.Key, g => g.Count());
    }

    private static ServiceUnderTest Service(int weightA, int weightB, int weightC, string flags = "")
    {
        var sh = new ServiceUnderTest("sh", flags);
        sh.Add(A, weightA);
        sh.Add(B, weightB);
        sh.Add(C, weightC);
        return sh;
    }
}
