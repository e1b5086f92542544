using System.Globalization;

namespace Forwarder.Lab.Tests;

/// <summary>
/// run --gro with real TCP stacks: GRO on the director's interfaces merges the client's and the web's segments, the
/// director forwards each merged frame whole through NAT, and the kernel cuts it to the MTU on the way out. 32 MiB
/// each way must arrive byte for byte (a SHA-256 on both ends), with no checksum error at either end, and the
/// counters must show merged frames handed over. Needs root; runs in CI.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class GroLabTests
{
    private const string Rules = """
        -A -t 192.168.1.199:80 -s rr
        -a -t 192.168.1.199:80 -r 192.168.139.254:80 -m
        -A -t 192.168.1.199:9000 -s rr
        -a -t 192.168.1.199:9000 -r 192.168.139.254:9000 -m
        -A -t 192.168.1.199:9001 -s rr
        -a -t 192.168.1.199:9001 -r 192.168.139.254:9001 -m
        -A -t [2001:db8::199]:9002 -s rr
        -a -t [2001:db8::199]:9002 -r [2001:db8:139::254]:9002 -m
        """;

    private const string DirectRoutingRules = """
        -A -t 192.168.1.199:9000 -s rr
        -a -t 192.168.1.199:9000 -r 192.168.139.254:9000 -g
        """;

    // A server for one connection: "sink" reads to the end and answers the length and SHA-256 of what came; "source"
    // sends the 32 MiB the client expects and closes. Bounded by `timeout` where it is started.
    private const string Server = """
        import hashlib, random, socket, sys
        mode, port = sys.argv[1], int(sys.argv[2])
        s = socket.socket(socket.AF_INET6 if len(sys.argv) > 3 else socket.AF_INET); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('::' if len(sys.argv) > 3 else '0.0.0.0', port)); s.listen(1)
        c, _ = s.accept()
        if mode == 'sink':
            h, n = hashlib.sha256(), 0
            while True:
                d = c.recv(1 << 20)
                if not d: break
                h.update(d); n += len(d)
            c.sendall(f'{n} {h.hexdigest()}\n'.encode())
        else:
            c.sendall(random.Random(9001).randbytes(32 << 20))
        c.close()
        """;

    private const string Client = """
        import hashlib, random, socket, sys
        mode, port, vip = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        c = socket.create_connection((vip, port), timeout=20)
        if mode == 'upload':
            data = random.Random(9000).randbytes(32 << 20)
            c.sendall(data); c.shutdown(socket.SHUT_WR)
            answer = c.makefile().readline().split()
            print('ok' if answer == [str(len(data)), hashlib.sha256(data).hexdigest()] else f'mismatch {answer}')
        else:
            h, n = hashlib.sha256(), 0
            while True:
                d = c.recv(1 << 20)
                if not d: break
                h.update(d); n += len(d)
            want = random.Random(9001).randbytes(32 << 20)
            print('ok' if (n, h.hexdigest()) == (len(want), hashlib.sha256(want).hexdigest()) else f'mismatch {n}')
        """;

    private Lab _lab = null!;
    private string _counters = null!;
    private readonly List<int> _servers = [];

    [OneTimeSetUp]
    public void BuildTheLab()
    {
        if (Lab.WhyNot() is { } reason)
        {
            Assert.Ignore(reason);
        }
        _lab = Lab.Up("gro");
        File.WriteAllText(Path.Combine(_lab.State, "server.py"), Server);
        File.WriteAllText(Path.Combine(_lab.State, "client.py"), Client);
        _counters = Path.Combine(_lab.DirectorState, "counters");
        _lab.StartDirector(Rules, "--gro", "--counters-file", _counters);
    }

    [OneTimeTearDown]
    public void TearDownTheLab()
    {
        foreach (var pid in _servers)
        {
            Shell.Run("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
        }
        _lab?.Dispose();
    }

    [Test, Order(1)]
    public void WhileItRuns_GroIsOnBothInterfaces()
    {
        foreach (var device in new[] { "eth2", "eth1" })
        {
            Assert.That(_lab.In("director", "ethtool", "-k", device).Output, Does.Contain("generic-receive-offload: on"), device + ": " + _lab.DirectorLog);
        }
    }

    [Test, Order(2)]
    public void AnUpload_ArrivesWhole_ThroughMergedFrames()
    {
        StartServer("sink", 9000);

        var result = _lab.In("client", "python3", Path.Combine(_lab.State, "client.py"), "upload", "9000", Lab.Vip);

        Assert.That(result.Output.Trim(), Is.EqualTo("ok"), result.Error + _lab.DirectorLog);
        Assert.That(CounterAfterAWhile("eth1 sent-offloaded"), Is.GreaterThan(0), "merged frames left toward the web whole");
    }

    [Test, Order(3)]
    public void ADownload_ArrivesWhole_ThroughMergedFrames()
    {
        StartServer("source", 9001);

        var result = _lab.In("client", "python3", Path.Combine(_lab.State, "client.py"), "download", "9001", Lab.Vip);

        Assert.That(result.Output.Trim(), Is.EqualTo("ok"), result.Error + _lab.DirectorLog);
        Assert.That(CounterAfterAWhile("eth2 sent-offloaded"), Is.GreaterThan(0), "merged frames left toward the client whole");
    }

    [Test, Order(4)]
    public void AnIpv6Upload_ArrivesWhole_ThroughMergedFrames()
    {
        var before = Counter("eth1 sent-offloaded");
        StartServer("sink", 9002, ipv6: true);

        var result = _lab.In("client", "python3", Path.Combine(_lab.State, "client.py"), "upload", "9002", "2001:db8::199");

        Assert.That(result.Output.Trim(), Is.EqualTo("ok"), result.Error + _lab.DirectorLog);
        Assert.That(CounterAfterAWhile("eth1 sent-offloaded"), Is.GreaterThan(before), "IPv6 merged frames left whole too");
        Assert.That(Counter("outcome DroppedTooBig"), Is.Zero, "none refused as too big for the link");
    }

    [Test, Order(5)]
    public void NeitherEnd_SawATcpChecksumError()
    {
        foreach (var host in new[] { "client", "web1" })
        {
            var stats = _lab.In(host, "nstat", "-az", "TcpInCsumErrors").Output;
            Assert.That(stats, Does.Match(@"TcpInCsumErrors\s+0\s"), host + ": " + stats);
        }
    }

    [Test, Order(6)]
    public void AfterItStops_GroIsBackAsTheLabHadIt()
    {
        Assert.That(_lab.StopDirector(), Is.Zero, _lab.DirectorLog);

        foreach (var device in new[] { "eth2", "eth1" })
        {
            Assert.That(_lab.In("director", "ethtool", "-k", device).Output, Does.Contain("generic-receive-offload: off"), device);
        }
        Assert.That(_lab.DirectorLog, Does.Contain("host: eth2 gro back off"));
    }

    [Test, Order(7)]
    public void DirectRouting_CarriesAnUploadWhole_ThroughMergedFrames()
    {
        _lab.Script("mode", "dr");
        _lab.StartDirector(DirectRoutingRules, "--gro", "--counters-file", _counters);
        StartServer("sink", 9000);

        var result = _lab.In("client", "python3", Path.Combine(_lab.State, "client.py"), "upload", "9000", Lab.Vip);

        Assert.That(result.Output.Trim(), Is.EqualTo("ok"), result.Error + _lab.DirectorLog);
        Assert.That(CounterAfterAWhile("eth1 sent-offloaded"), Is.GreaterThan(0), "merged frames left whole, their MACs changed only");
        Assert.That(_lab.StopDirector(), Is.Zero, _lab.DirectorLog);
    }

    [Test, Order(8)]
    public void WhereGroWasOnAlready_ItIsStillOnAfter()
    {
        _lab.Script("mode", "nat");
        _lab.In("director", "ethtool", "-K", "eth2", "gro", "on");
        _lab.StartDirector(Rules, "--gro");
        Assert.That(_lab.Get(), Is.EqualTo("web1:192.168.139.254"), _lab.DirectorLog);

        Assert.That(_lab.StopDirector(), Is.Zero, _lab.DirectorLog);

        Assert.Multiple(() =>
        {
            Assert.That(_lab.In("director", "ethtool", "-k", "eth2").Output, Does.Contain("generic-receive-offload: on"), "eth2 as found");
            Assert.That(_lab.In("director", "ethtool", "-k", "eth1").Output, Does.Contain("generic-receive-offload: off"), "eth1 as found");
        });
    }

    /// <summary>Starts the one-connection server on web1 (bounded to a minute), and waits until it listens.</summary>
    private void StartServer(string mode, int port, bool ipv6 = false)
    {
        var started = _lab.In("web1", "sh", "-c",
            $"timeout 60 python3 {Path.Combine(_lab.State, "server.py")} {mode} {port} {(ipv6 ? "inet6" : "")} >/dev/null 2>&1 & echo $!");
        _servers.Add(int.Parse(started.Output.Trim(), CultureInfo.InvariantCulture));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && !_lab.In("web1", "ss", "-Hltn", $"sport = :{port}").Output.Contains($":{port}", StringComparison.Ordinal))
        {
            Thread.Sleep(100);
        }
    }

    /// <summary>A counter from the file the director rewrites every second, once it has been rewritten after now.</summary>
    private long CounterAfterAWhile(string name)
    {
        Thread.Sleep(2200);
        return Counter(name);
    }

    /// <summary>A counter as the file stands (0 for an outcome not yet counted, which the file leaves out).</summary>
    private long Counter(string name)
    {
        var line = File.ReadAllLines(_counters).FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        if (line is null && name.StartsWith("outcome ", StringComparison.Ordinal))
        {
            return 0;
        }
        Assert.That(line, Is.Not.Null, name + " is in the counters file");
        return long.Parse(line![(name.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
