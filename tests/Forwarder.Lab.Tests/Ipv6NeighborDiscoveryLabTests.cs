namespace Forwarder.Lab.Tests;

/// <summary>
/// The live director claims an IPv6 virtual address on the public link: the client's kernel resolves the VIP by
/// Neighbour Discovery (a solicitation to the solicited-node group, through libpcap's capture filter) to the
/// director's MAC, and its pings are answered. The VIP is on no interface, so it is the director that answers:
/// stopped, the pings go unanswered. Needs root.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class Ipv6NeighborDiscoveryLabTests
{
    private const string Vip6 = "2001:db8:1::199";

    private Lab _lab = null!;

    [OneTimeSetUp]
    public void BuildTheLab()
    {
        if (Lab.WhyNot() is { } reason)
        {
            Assert.Ignore(reason);
        }
        _lab = Lab.Up("v6");
        Shell.Checked("ip", "-n", _lab.Prefix + "client", "-6", "addr", "add", "2001:db8:1::106/64", "dev", "eth0", "nodad");
    }

    [OneTimeTearDown]
    public void TearDownTheLab() => _lab?.Dispose();

    [Test]
    public void PingToTheIpv6Vip_IsResolvedToTheDirector_AndAnswered_OnlyWhileItRuns()
    {
        _lab.StartDirector($"-A -t [{Vip6}]:80 -s rr\n-a -t [{Vip6}]:80 -r [2001:db8:139::254]:80 -m\n");
        var ping = _lab.In("client", "ping", "-6", "-n", "-c", "3", "-W", "2", Vip6);
        var neighbour = _lab.In("client", "ip", "-6", "neigh", "show", Vip6).Output;
        var directorMac = _lab.In("director", "cat", "/sys/class/net/eth2/address").Output.Trim();
        _lab.StopDirector();
        _lab.In("client", "ip", "-6", "neigh", "flush", "all");
        var unanswered = _lab.In("client", "ping", "-6", "-n", "-c", "2", "-W", "1", Vip6);

        Assert.Multiple(() =>
        {
            Assert.That(ping.ExitCode, Is.EqualTo(0), ping.Output + ping.Error);
            Assert.That(ping.Output, Does.Contain("3 received"));
            Assert.That(neighbour, Does.Contain($"lladdr {directorMac}"), "the VIP resolved to the director's public MAC");
            Assert.That(unanswered.ExitCode, Is.Not.EqualTo(0), "without the director nobody answers for the VIP");
        });
    }
}
