using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;

namespace Forwarder.Core.Tests.Scheduling;

public sealed class SourceHashingSchedulerTests
{
    private const string A = "10.1.0.1";
    private const string B = "10.1.0.2";
    private const string C = "10.1.0.3";

    /// <summary>
    /// Bucket = ((port + address) * 2654435761) mod 256, i.e. low byte of (port + address) times 0xB1.
    /// 10.0.0.1 port 0: 177. 10.0.0.3: 531 - 512 = 19. Port 40000 = 0x9C40, so 10.0.0.1:40000 has low
    /// byte 0x41 = 65: 65 * 177 = 11505 = 44 * 256 + 241; :40001 gives 66 * 177 = 11682, i.e. 162.
    /// With an offset (fallback) it is added after the multiply: offset 98 on bucket 98 gives 196.
    /// </summary>
    [TestCase("10.0.0.1", 0, 0u, 177)]
    [TestCase("10.0.0.3", 0, 0u, 19)]
    [TestCase("10.0.0.1", 40000, 0u, 241)]
    [TestCase("10.0.0.1", 40001, 0u, 162)]
    [TestCase("10.0.0.2", 0, 98u, 196)]
    public void Sh_Bucket_IsTheKernelFormula(string address, int port, uint offset, int bucket) =>
        Assert.That(SourceHashingScheduler.BucketOf(Ipv4Address.Parse(address).Value, (ushort)port, offset), Is.EqualTo(bucket));

    [Test]
    public void Sh_WeightsWhoseSumDivides256_SpreadExactly()
    {
        // A w1, B w1, C w2: list C, B, A; buckets C C B A repeating, 256 / 4 = 64 rounds.
        var sh = Service(1, 1, 2);
        Assert.That(CountByServer(sh, 512), Is.EqualTo(new Dictionary<string, int> { [C] = 256, [B] = 128, [A] = 128 }));
    }

    [Test]
    public void Sh_Weights123_SpreadAsTheKernelTable()
    {
        // Pattern C C C B B A: 42 full rounds fill 252 buckets, the last four are C C C B.
        var sh = Service(1, 2, 3);
        Assert.That(CountByServer(sh, 256), Is.EqualTo(new Dictionary<string, int> { [C] = 129, [B] = 85, [A] = 42 }));
    }

    [Test]
    public void Sh_MappingIsStable_AndPortBlindWithoutShPort()
    {
        var sh = Service(1, 1, 2);
        var first = ServiceUnderTest.Clients(300).Select(c => sh.NextAddress(client: new Ipv4Address(c).ToString(), clientPort: 1000)).ToList();
        var second = ServiceUnderTest.Clients(300).Select(c => sh.NextAddress(client: new Ipv4Address(c).ToString(), clientPort: 2000)).ToList();
        Assert.That(second, Is.EqualTo(first));
        // 10.0.0.1 -> bucket 177 = 4 * 44 + 1 -> C; 10.0.0.2 -> 98 = 4 * 24 + 2 -> B; 10.0.0.3 -> 19 -> A.
        Assert.That(first.Skip(1).Take(3), Is.EqualTo(new[] { C, B, A }));
    }

    [Test]
    public void Sh_WithShPort_TheClientPortMoves_TheBucket()
    {
        var sh = Service(1, 1, 2, flags: "sh-port");
        Assert.That(sh.NextAddress(client: "10.0.0.1", clientPort: 40000), Is.EqualTo(C)); // 241 = 4 * 60 + 1
        Assert.That(sh.NextAddress(client: "10.0.0.1", clientPort: 40001), Is.EqualTo(B)); // 162 = 4 * 40 + 2

        // Only TCP, UDP and SCTP carry a port: ICMP hashes with port 0, bucket 177.
        Assert.That(sh.NextAddress(client: "10.0.0.1", clientPort: 40001, protocol: 1), Is.EqualTo(C));
    }

    [Test]
    public void Sh_QuiescentServer_KeepsOneBucket_AndWithoutFallbackItsClientsGetNothing()
    {
        var sh = Service(1, 1, 2);
        sh.Edit(B, 0); // B still takes one bucket (C C B A), but is unusable
        Assert.That(sh.NextAddress(client: "10.0.0.2"), Is.EqualTo("none"));
        Assert.That(sh.NextAddress(client: "10.0.0.1"), Is.EqualTo(C));
    }

    [Test]
    public void Sh_Fallback_FollowsTheKernelsOffsetWalk()
    {
        var sh = Service(1, 1, 2, flags: "sh-fallback");
        sh.Edit(B, 0);
        // 10.0.0.2 hashes to bucket 98 (B). The first fallback try is bucket 98 + 98 = 196 = 4 * 49,
        // which holds C; a plain next-bucket walk would have given A (bucket 99).
        Assert.That(sh.NextAddress(client: "10.0.0.2"), Is.EqualTo(C));

        sh.Find(C).IsOverloaded = true;
        // Tries 196 (C), 197 (C), 198 (B), 199 (A).
        Assert.That(sh.NextAddress(client: "10.0.0.2"), Is.EqualTo(A));

        sh.Find(A).IsOverloaded = true;
        Assert.That(sh.NextAddress(client: "10.0.0.2"), Is.EqualTo("none"));
    }

    [Test]
    public void Sh_FlagsEditedOnTheService_TakeEffectOnTheNextFlow()
    {
        var sh = Service(1, 1, 2);
        sh.Edit(B, 0);
        Assert.That(sh.NextAddress(client: "10.0.0.2"), Is.EqualTo("none"));
        sh.SetFlags("sh-fallback,sh-port");
        Assert.That(sh.NextAddress(client: "10.0.0.2", clientPort: 0), Is.EqualTo(C));
    }

    [Test]
    public void Sh_Removal_RebuildsTheTable()
    {
        var sh = Service(1, 1, 2);
        sh.Delete(C); // B A B A ...
        Assert.That(CountByServer(sh, 256), Is.EqualTo(new Dictionary<string, int> { [B] = 128, [A] = 128 }));
    }

    private static Dictionary<string, int> CountByServer(ServiceUnderTest sh, int clients) =>
        ServiceUnderTest.Clients(clients)
            .GroupBy(c => sh.NextAddress(client: new Ipv4Address(c).ToString()))
            .ToDictionary(g => g.Key, g => g.Count());

    private static ServiceUnderTest Service(int weightA, int weightB, int weightC, string flags = "")
    {
        var sh = new ServiceUnderTest("sh", flags);
        sh.Add(A, weightA);
        sh.Add(B, weightB);
        sh.Add(C, weightC);
        return sh;
    }
}
