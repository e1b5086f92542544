namespace Forwarder.Lab.Tests;

/// <summary>
/// Direct routing in the lab: the webs hold the VIP on their loopback (arp_ignore=1, arp_announce=2) and
/// answer the client straight, so the director sees only the client's side. wrr 1:2:3 over 60 flows.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DrLabTests
{
    private const string Rules = """
        -A -t 192.168.1.199:80 -s wrr
        -a -t 192.168.1.199:80 -r 192.168.139.254:80 -g -w 1
        -a -t 192.168.1.199:80 -r 192.168.139.253:80 -g -w 2
        -a -t 192.168.1.199:80 -r 192.168.139.252:80 -g -w 3
        """;

    private Lab _lab = null!;

    [OneTimeSetUp]
    public void BuildTheLab()
    {
        if (Lab.WhyNot() is { } reason)
        {
            Assert.Ignore(reason);
        }
        _lab = Lab.Up("dr");
        _lab.Script("mode", "dr");
        _lab.StartDirector(Rules);
    }

    [OneTimeTearDown]
    public void TearDownTheLab() => _lab?.Dispose();

    [Test]
    public void WeightedRoundRobin_OneTwoThree_SharesSixtyFlowsTenTwentyThirty()
    {
        var answers = Enumerable.Range(0, 60).Select(_ => _lab.Get()).ToList();
        var counts = answers.GroupBy(a => a).ToDictionary(g => g.Key, g => g.Count());

        Assert.That(counts, Is.EquivalentTo(new Dictionary<string, int>
        {
            ["web1:192.168.139.254"] = 10,
            ["web2:192.168.139.253"] = 20,
            ["web3:192.168.139.252"] = 30,
        }), _lab.DirectorLog);
    }

    [Test]
    public void Listing_ShowsRouteAndTheWeights()
    {
        var listing = _lab.Ipvsadm("-Ln").Output;
        Assert.That(listing, Does.Contain("TCP  192.168.1.199:80 wrr\n"));
        Assert.That(listing, Does.Match(@"  -> 192\.168\.139\.252:80 +Route +3 "));
        Assert.That(listing, Does.Match(@"  -> 192\.168\.139\.254:80 +Route +1 "));
    }
}
