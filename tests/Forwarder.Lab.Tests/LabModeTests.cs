namespace Forwarder.Lab.Tests;

/// <summary>lab-netns.sh's modes: each switch undoes the other's setup on the webs and the client.</summary>
[TestFixture]
[NonParallelizable]
public sealed class LabModeTests
{
    private Lab _lab = null!;

    [OneTimeSetUp]
    public void BuildTheLab()
    {
        if (Lab.WhyNot() is { } reason)
        {
            Assert.Ignore(reason);
        }
        _lab = Lab.Up("mode");
    }

    [OneTimeTearDown]
    public void TearDownTheLab() => _lab?.Dispose();

    [Test]
    public void ModeNatAfterModeDr_ServesThroughNatAgain()
    {
        _lab.Script("mode", "dr");
        _lab.Script("mode", "nat");
        _lab.StartDirector(NatLabTests.SeedRules);

        var answers = Enumerable.Range(0, 3).Select(_ => _lab.Get()).ToList();
        var web1 = _lab.In("web1", "sh", "-c", "ip -4 addr show dev lo; ip route; sysctl -n net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce").Output;
        var web1Ipv6 = _lab.In("web1", "sh", "-c", "ip -6 addr show dev lo; ip -6 route").Output;

        Assert.Multiple(() =>
        {
            Assert.That(answers, Is.EquivalentTo(new[] { "web1:192.168.139.254", "web2:192.168.139.253", "web3:192.168.139.252" }), _lab.DirectorLog);
            Assert.That(web1, Does.Not.Contain(Lab.Vip), "the VIP is off the web's loopback");
            Assert.That(web1, Does.Not.Contain("192.168.1.0/24 via"), "no route to the clients around the director");
            Assert.That(web1, Does.EndWith("0\n0\n"), "arp_ignore and arp_announce back to their defaults");
            Assert.That(web1Ipv6, Does.Not.Contain("2001:db8::199"), "the IPv6 VIP is off the web's loopback");
            Assert.That(web1Ipv6, Does.Not.Contain("2001:db8::/64 via"), "no IPv6 route to the clients around the director");
            Assert.That(web1Ipv6, Does.Contain("default via 2001:db8:139::142"), "the IPv6 default route via the director stays");
            Assert.That(_lab.In("client", "ip", "link", "show", "eth1").ExitCode, Is.Not.Zero, "the client's second leg is gone");
        });
        _lab.StopDirector();

        _lab.Script("mode", "dr");
        var dr = _lab.In("web1", "sh", "-c", "ip -4 addr show dev lo; ip route; ip -6 addr show dev lo; ip -6 route").Output;
        Assert.That(dr, Does.Contain(Lab.Vip + "/32").And.Contain("192.168.1.0/24 via 192.168.139.200"), "dr again after nat");
        Assert.That(dr, Does.Contain("2001:db8::199/128").And.Contain("2001:db8::/64 via 2001:db8:139::200"), "IPv6 dr again after nat");
    }
}
