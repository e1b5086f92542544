namespace Forwarder.Lab.Tests;

/// <summary>
/// The seed's NAT lab with real TCP stacks: nginx on three webs, curl on the client, our director between
/// them. Needs root; runs in CI.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class NatLabTests
{
    public const string SeedRules = """
        -A -t 192.168.1.199:80 -s rr
        -a -t 192.168.1.199:80 -r 192.168.139.254:80 -m
        -a -t 192.168.1.199:80 -r 192.168.139.253:80 -m
        -a -t 192.168.1.199:80 -r 192.168.139.252:80 -m
        -A -u 192.168.1.199:7 -s rr
        -a -u 192.168.1.199:7 -r 192.168.139.254:7 -m
        -a -u 192.168.1.199:7 -r 192.168.139.253:7 -m
        """;

    private Lab _lab = null!;

    [OneTimeSetUp]
    public void BuildTheLab()
    {
        if (Lab.WhyNot() is { } reason)
        {
            Assert.Ignore(reason);
        }
        _lab = Lab.Up("nat");
        _lab.Script("udp-echo");
        _lab.StartDirector(SeedRules);
    }

    [OneTimeTearDown]
    public void TearDownTheLab() => _lab?.Dispose();

    [Test, Order(1)]
    public void RoundRobin_AnswersWeb3ThenWeb2ThenWeb1_AsTheSeedShows()
    {
        var answers = Enumerable.Range(0, 6).Select(_ => _lab.Get()).ToList();

        Assert.That(answers, Is.EqualTo(new[]
        {
            "web3:192.168.139.252", "web2:192.168.139.253", "web1:192.168.139.254",
            "web3:192.168.139.252", "web2:192.168.139.253", "web1:192.168.139.254",
        }), _lab.DirectorLog);
    }

    [Test, Order(2)]
    public void UdpService_EchoesThroughNat()
    {
        var script = "import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.settimeout(3);"
            + "s.sendto(b'ping',('192.168.1.199',7));d,a=s.recvfrom(2048);print(d.decode(),a[0],a[1])";
        var answer = _lab.In("client", "python3", "-c", script);

        Assert.That(answer.ExitCode, Is.Zero, answer.Error);
        Assert.That(answer.Output.Trim(), Does.Match(@"^web[12]:192\.168\.139\.25[34]:ping 192\.168\.1\.199 7$"), "the reply comes from the VIP");
    }

    [Test, Order(3)]
    public void Masquerade_LetsARealServerReachAHostOnThePublicSide()
    {
        var server = _lab.In("client", "sh", "-c",
            "cd /tmp && (timeout 20 python3 -m http.server 8080 --bind 192.168.1.106 >/dev/null 2>&1 & echo $!)");
        try
        {
            Thread.Sleep(1000);
            var fetched = _lab.In("web2", "curl", "-s", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}", "http://192.168.1.106:8080/");
            Assert.That(fetched.Output.Trim(), Is.EqualTo("200"), _lab.DirectorLog);
        }
        finally
        {
            _lab.In("client", "kill", server.Output.Trim());
        }
    }

    [Test, Order(4)]
    public void ListingAfterTraffic_ShowsTheConnectionsOnEachServer()
    {
        var listing = _lab.Ipvsadm("-Ln");
        Assert.That(listing.ExitCode, Is.Zero, listing.Error);
        Assert.That(listing.Output, Does.StartWith("IP Virtual Server version 1.2.1 (size=4096)\n"));
        Assert.That(listing.Output, Does.Match(@"  -> 192\.168\.139\.252:80 +Masq +1 +0 +[1-9]"), "closed connections wait in TIME_WAIT: inactive");
        var connections = _lab.Ipvsadm("-Lnc");
        Assert.That(connections.Output, Does.Contain("TIME_WAIT").And.Contain("192.168.1.106:"));
    }

    [Test, Order(5)]
    public void DeletingARealServer_MovesNewFlowsOffIt_AndItsOpenConnectionGoesUnanswered()
    {
        // A keep-alive connection held open on whichever server rr gives it; then that server is removed.
        // As Linux 6.1 with expire_nodest_conn=0 (its default): the removed server's connection stays listed,
        // but the client's packets on it are dropped, so its second request is never answered.
        var script = """
            import socket, sys, time
            s = socket.create_connection(('192.168.1.199', 80), timeout=5)
            def get():
                s.sendall(b'GET / HTTP/1.1\r\nHost: vip\r\n\r\n')
                data = b''
                while not data.endswith(b'\n') or b'\r\n\r\n' not in data:
                    data += s.recv(4096)
                return data.split(b'\r\n\r\n', 1)[1].decode().strip()
            first = get()
            print(first, flush=True)
            open('/tmp/held-ready', 'w').close()
            while not __import__('os').path.exists('/tmp/held-go'):
                time.sleep(0.1)
            try:
                print(get(), flush=True)
            except socket.timeout:
                print('no answer', flush=True)
            """;
        var scriptPath = Path.Combine(_lab.State, "held.py");
        File.WriteAllText(scriptPath, script);
        _lab.In("client", "rm", "-f", "/tmp/held-ready", "/tmp/held-go");
        var held = Task.Run(() => _lab.In("client", "timeout", "30", "python3", scriptPath));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_lab.In("client", "test", "-e", "/tmp/held-ready").ExitCode != 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(100);
        }
        var pinned = _lab.Ipvsadm("-Lnc").Output.Split('\n').Single(l => l.Contains("ESTABLISHED", StringComparison.Ordinal));
        var server = pinned.Split(' ', StringSplitOptions.RemoveEmptyEntries)[5];

        var removed = _lab.Ipvsadm("-d", "-t", "192.168.1.199:80", "-r", server);
        Assert.That(removed.ExitCode, Is.Zero, removed.Error);
        var after = Enumerable.Range(0, 4).Select(_ => _lab.Get()).ToList();
        _lab.In("client", "touch", "/tmp/held-go");
        var heldResult = held.Result;

        var name = server.Split(':')[0];
        Assert.Multiple(() =>
        {
            Assert.That(after, Has.None.Contains(name), "no new flow goes to the removed server");
            Assert.That(after, Has.All.StartsWith("web"));
            var lines = heldResult.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(lines, Has.Length.EqualTo(2), heldResult.Error);
            Assert.That(lines[0], Does.Contain(name));
            Assert.That(lines[1], Is.EqualTo("no answer"), "the open connection's packets are dropped");
        });
        _lab.Ipvsadm("-a", "-t", "192.168.1.199:80", "-r", server, "-m");
    }

    [Test, Order(6)]
    public void KilledDirector_RestartedWithItsRules_ResumesService()
    {
        _lab.StopDirector(kill: true);
        Assert.That(_lab.Get(), Is.Empty, "nothing answers for the VIP without the director");
        _lab.StartDirector(SeedRules);
        Assert.That(_lab.Get(), Does.StartWith("web"), _lab.DirectorLog);
    }

    [Test, Order(7)]
    public void TwoAdminCommandsAtOnce_BothApply()
    {
        var first = Task.Run(() => _lab.Ipvsadm("-A", "-t", "192.168.1.199:8081", "-s", "wlc"));
        var second = Task.Run(() => _lab.Ipvsadm("-A", "-t", "192.168.1.199:8082", "-s", "sh"));
        Task.WaitAll(first, second);
        var listing = _lab.Ipvsadm("-Ln").Output;

        Assert.Multiple(() =>
        {
            Assert.That(first.Result.ExitCode, Is.Zero, first.Result.Error);
            Assert.That(second.Result.ExitCode, Is.Zero, second.Result.Error);
            Assert.That(listing, Does.Contain("TCP  192.168.1.199:8081 wlc\n").And.Contain("TCP  192.168.1.199:8082 sh\n"));
        });
    }
}
