namespace Forwarder.Lab.Tests;

/// <summary>
/// Direct routing over IPv6 in the lab: the webs hold 2001:db8::199 as a /128 on their loopback (Linux never answers
/// Neighbour Solicitations for it on eth0) and answer the client straight, so the director sees only the client's
/// side and forwards each frame to the chosen web's MAC, found by Neighbour Discovery. wrr 1:2:3 over 60 flows.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DrIpv6LabTests
{
    private const string Rules = """
        -A -t [2001:db8::199]:80 -s wrr
        -a -t [2001:db8::199]:80 -r [2001:db8:139::254]:80 -g -w 1
        -a -t [2001:db8::199]:80 -r [2001:db8:139::253]:80 -g -w 2
        -a -t [2001:db8::199]:80 -r [2001:db8:139::252]:80 -g -w 3
        """;

    private Lab _lab = null!;

    [OneTimeSetUp]
    public void BuildTheLab()
    {
        if (Lab.WhyNot() is { } reason)
        {
            Assert.Ignore(reason);
        }
        _lab = Lab.Up("dr6");
        _lab.Script("mode", "dr");
        _lab.StartDirector(Rules);
    }

    [OneTimeTearDown]
    public void TearDownTheLab() => _lab?.Dispose();

    [Test, Order(1)]
    public void WeightedRoundRobin_OneTwoThree_SharesSixtyFlowsTenTwentyThirty_OverIpv6()
    {
        var answers = Enumerable.Range(0, 60)
            .Select(_ => _lab.In("client", "curl", "-6", "-g", "-s", "-m", "5", $"http://[{NatIpv6LabTests.Vip6}]/").Output.Trim())
            .ToList();
        var counts = answers.GroupBy(a => a).ToDictionary(g => g.Key, g => g.Count());

        Assert.That(counts, Is.EquivalentTo(new Dictionary<string, int>
        {
            ["web1:2001:db8:139::254"] = 10,
            ["web2:2001:db8:139::253"] = 20,
            ["web3:2001:db8:139::252"] = 30,
        }), _lab.DirectorLog);
    }

    [Test, Order(2)]
    public void TheRepliesBypassTheDirector_AndTheWebsNeverClaimTheVip()
    {
        // The client's neighbour entry for the VIP is the director's public MAC (only the director answers for it),
        // and the director's counters show the client's frames forwarded but no reply coming back through it.
        var directorMac = _lab.In("director", "cat", "/sys/class/net/eth2/address").Output.Trim();
        var neighbour = _lab.In("client", "ip", "-6", "neigh", "show", NatIpv6LabTests.Vip6).Output;
        var listing = _lab.Ipvsadm("-Ln", "--stats").Output;

        Assert.Multiple(() =>
        {
            Assert.That(neighbour, Does.Contain($"lladdr {directorMac}"), "the VIP resolves to the director, not to a web");
            Assert.That(listing, Does.Contain("TCP  [2001:db8::199]:80"));
            Assert.That(listing, Does.Match(@"TCP  \[2001:db8::199\]:80 +60 +[1-9][0-9]* +0 "), "60 connections, packets in, none out: the replies go straight to the client");
        });
    }
}
