namespace Forwarder.Lab.Tests;

/// <summary>
/// The seed's NAT experiment over IPv6 in the same lab: the client, the director and web1-3 carry IPv6 addresses
/// beside their IPv4 ones (lab-netns.sh), the VIP is 2001:db8::199, and real nginx and curl -6 talk through the
/// live director, which resolves the webs and the client by Neighbour Discovery. Needs root.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class NatIpv6LabTests
{
    public const string Vip6 = "2001:db8::199";

    /// <summary>The seed's rules with IPv6 addresses: rr over web1, web2, web3 added in that order, and a UDP service.</summary>
    public const string SeedRules6 = """
        -A -t [2001:db8::199]:80 -s rr
        -a -t [2001:db8::199]:80 -r [2001:db8:139::254]:80 -m
        -a -t [2001:db8::199]:80 -r [2001:db8:139::253]:80 -m
        -a -t [2001:db8::199]:80 -r [2001:db8:139::252]:80 -m
        -A -u [2001:db8::199]:7 -s rr
        -a -u [2001:db8::199]:7 -r [2001:db8:139::254]:7 -m
        -a -u [2001:db8::199]:7 -r [2001:db8:139::253]:7 -m
        """;

    private Lab _lab = null!;

    [OneTimeSetUp]
    public void BuildTheLab()
    {
        if (Lab.WhyNot() is { } reason)
        {
            Assert.Ignore(reason);
        }
        _lab = Lab.Up("nat6");
        _lab.Script("udp-echo");
        _lab.StartDirector(SeedRules6 + "\n" + NatLabTests.SeedRules);
    }

    [OneTimeTearDown]
    public void TearDownTheLab() => _lab?.Dispose();

    /// <summary>An HTTP GET from the client over IPv6 (-g: the brackets are the address's, not curl's globbing).</summary>
    private string Get6(string url = $"http://[{Vip6}]/") =>
        _lab.In("client", "curl", "-6", "-g", "-s", "-m", "5", url).Output.Trim();

    [Test, Order(0)]
    public void TheLiveTopology_HoldsTheInterfacesIpv6AddressesAndPrefixes()
    {
        Assert.That(_lab.DirectorLog, Does.Contain("directing on eth2 (public 192.168.1.113, 2001:db8::113/64) and eth1 (private 192.168.139.142, 2001:db8:139::142/64)"));
    }

    [Test, Order(1)]
    public void RoundRobin_AnswersWeb3ThenWeb2ThenWeb1_AsTheSeedShows_OverIpv6()
    {
        var answers = Enumerable.Range(0, 6).Select(_ => Get6()).ToList();

        Assert.That(answers, Is.EqualTo(new[]
        {
            "web3:2001:db8:139::252", "web2:2001:db8:139::253", "web1:2001:db8:139::254",
            "web3:2001:db8:139::252", "web2:2001:db8:139::253", "web1:2001:db8:139::254",
        }), _lab.DirectorLog);
    }

    [Test, Order(2)]
    public void TheIpv4ServiceBesideIt_RotatesOnItsOwn()
    {
        var answers = Enumerable.Range(0, 3).Select(_ => _lab.Get()).ToList();

        Assert.That(answers, Is.EqualTo(new[] { "web3:192.168.139.252", "web2:192.168.139.253", "web1:192.168.139.254" }), _lab.DirectorLog);
    }

    [Test, Order(3)]
    public void UdpService_EchoesThroughNat_OverIpv6()
    {
        var script = "import socket;s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM);s.settimeout(3);"
            + $"s.sendto(b'ping',('{Vip6}',7));d,a=s.recvfrom(2048);print(d.decode(),a[0],a[1])";
        var answer = _lab.In("client", "python3", "-c", script);

        Assert.That(answer.ExitCode, Is.Zero, answer.Error + _lab.DirectorLog);
        Assert.That(answer.Output.Trim(), Does.Match(@"^web[12]:2001:db8:139::25[34]:ping 2001:db8::199 7$"), "the reply comes from the VIP");
    }

    [Test, Order(4)]
    public void Listing_ShowsTheIpv6ServiceAndItsServers_AsIpvsadmPrintsThem()
    {
        var listing = _lab.Ipvsadm("-Ln");
        var connections = _lab.Ipvsadm("-Lnc");

        Assert.Multiple(() =>
        {
            Assert.That(listing.ExitCode, Is.Zero, listing.Error);
            Assert.That(listing.Output, Does.Contain("TCP  [2001:db8::199]:80 rr\n"));
            Assert.That(listing.Output, Does.Match(@"  -> \[2001:db8:139::252\]:80 +Masq +1 +0 +[1-9]"), "closed connections wait in TIME_WAIT: inactive");
            Assert.That(connections.Output, Does.Contain("TIME_WAIT").And.Contain("[2001:db8::106]:"));
        });
    }

    [TestCase("2001:db8:139::/64", 0, "")]
    [TestCase("2001:db8:139::/129", 1, "forwarder run: --masquerade 2001:db8:139::/129: expected NETWORK/PREFIX")]
    [TestCase("2001:db8:zz::/64", 1, "forwarder run: --masquerade 2001:db8:zz::/64: expected NETWORK/PREFIX")]
    [Order(6)]
    public void MasqueradeOption_TakesIpv6Prefixes_AndRefusesBadOnes(string network, int status, string error)
    {
        var socket = Path.Combine(_lab.DirectorState, "check.sock");
        var checkedRun = _lab.RunDirectorScript("run", "--check", "--socket", socket, "--rules", _lab.Rules, "--masquerade", network, "--masquerade", "192.168.139.0/24");

        Assert.Multiple(() =>
        {
            Assert.That(checkedRun.ExitCode, Is.EqualTo(status), checkedRun.Error);
            Assert.That(checkedRun.Error.Trim(), Is.EqualTo(error));
        });
    }

    [Test, Order(5)]
    public void Masquerade_LetsARealServerReachAHostOnThePublicSide_OverIpv6()
    {
        var server = _lab.In("client", "sh", "-c",
            "cd /tmp && (timeout 20 python3 -m http.server 8080 --bind 2001:db8::106 >/dev/null 2>&1 & echo $!)");
        try
        {
            var fetched = "";
            // The server needs a moment to listen; bounded.
            for (var attempt = 0; attempt < 10 && fetched != "200"; attempt++)
            {
                Thread.Sleep(500);
                fetched = _lab.In("web2", "curl", "-6", "-g", "-s", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}", "http://[2001:db8::106]:8080/").Output.Trim();
            }
            Assert.That(fetched, Is.EqualTo("200"), _lab.DirectorLog);
        }
        finally
        {
            _lab.In("client", "kill", server.Output.Trim());
        }
    }
}
