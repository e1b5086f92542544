namespace Forwarder.Lab.Tests;

/// <summary>
/// A director restarted (SIGTERM, then run again with the same rules and state file) under held TCP connections:
/// each carries on to the same real server, and <c>ipvsadm -Ln</c> counts them as before. Also <c>reload</c>
/// (SIGHUP: the state written, the director going on) and a corrupt state file (reported, the director starts
/// without it). Needs root; runs in CI.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RestartLabTests
{
    private const string Rules = """
        -A -t 192.168.1.199:80 -s rr
        -a -t 192.168.1.199:80 -r 192.168.139.254:80 -m
        -a -t 192.168.1.199:80 -r 192.168.139.253:80 -m
        -a -t 192.168.1.199:80 -r 192.168.139.252:80 -m
        """;

    /// <summary>Three keep-alive HTTP connections to the VIP: a GET on each, a pause until told, a GET on each again.</summary>
    private const string HeldClient = """
        import os, socket, sys, time
        ready, go = sys.argv[1], sys.argv[2]
        conns = [socket.create_connection(('192.168.1.199', 80), timeout=10) for _ in range(3)]
        def get(s):
            s.sendall(b'GET / HTTP/1.1\r\nHost: vip\r\n\r\n')
            data = b''
            while not data.endswith(b'\n') or b'\r\n\r\n' not in data:
                chunk = s.recv(4096)
                if not chunk:
                    return 'closed'
                data += chunk
            return data.split(b'\r\n\r\n', 1)[1].decode().strip()
        for i, s in enumerate(conns):
            print(i, s.getsockname()[1], get(s), flush=True)
        open(ready, 'w').close()
        deadline = time.time() + 40
        while not os.path.exists(go) and time.time() < deadline:
            time.sleep(0.1)
        for i, s in enumerate(conns):
            try:
                print(i, s.getsockname()[1], get(s), flush=True)
            except OSError as e:
                print(i, s.getsockname()[1], 'error', e, flush=True)
        """;

    private Lab _lab = null!;

    private string StateFile => Path.Combine(_lab.DirectorState, "flows.state");

    [OneTimeSetUp]
    public void BuildTheLab()
    {
        if (Lab.WhyNot() is { } reason)
        {
            Assert.Ignore(reason);
        }
        _lab = Lab.Up("rst");
    }

    [OneTimeTearDown]
    public void TearDownTheLab() => _lab?.Dispose();

    [TearDown]
    public void StopAnyDirector()
    {
        _lab.StopDirector(kill: true);
        File.Delete(StateFile);
    }

    [Test]
    public void HeldConnections_SurviveADirectorRestart_EachToTheSameRealServer()
    {
        var ready = Path.Combine(_lab.State, "held-ready");
        var go = Path.Combine(_lab.State, "held-go");
        File.Delete(ready);
        File.Delete(go);
        var script = Path.Combine(_lab.State, "held-restart.py");
        File.WriteAllText(script, HeldClient);
        _lab.StartDirector(Rules, "--state-file", StateFile);
        var held = Task.Run(() => _lab.In("client", "timeout", "55", "python3", script, ready, go));
        Assert.That(WaitFor(() => File.Exists(ready), TimeSpan.FromSeconds(15)), Is.True, "the client holds its connections: " + _lab.DirectorLog);
        var listingBefore = _lab.Ipvsadm("-Ln").Output;
        var flowsBefore = Established(_lab.Ipvsadm("-Lnc").Output);

        var stopped = _lab.StopDirector();
        var savedLog = _lab.DirectorLog;
        var fileWritten = File.Exists(StateFile);
        _lab.StartDirector(Rules, "--state-file", StateFile);
        var listingAfter = _lab.Ipvsadm("-Ln").Output;
        var flowsAfter = Established(_lab.Ipvsadm("-Lnc").Output);
        File.WriteAllText(go, string.Empty);
        var result = held.Result;

        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(stopped, Is.Zero, savedLog);
            Assert.That(savedLog, Does.Contain($"forwarder: 3 connection(s) and 0 template(s) saved to {StateFile}"));
            Assert.That(fileWritten, Is.True);
            Assert.That(_lab.DirectorLog, Does.Contain($"forwarder: restored 3 connection(s) and 0 template(s) from {StateFile}"));
            Assert.That(File.Exists(StateFile), Is.False, "a restored state file is consumed");
            Assert.That(flowsBefore, Has.Count.EqualTo(3));
            Assert.That(flowsAfter, Is.EquivalentTo(flowsBefore), "the same client ports on the same real servers");
            Assert.That(listingAfter, Is.EqualTo(listingBefore), "ActiveConn and InActConn as before the restart");
            Assert.That(listingBefore, Does.Match(@"192\.168\.139\.252:80 +Masq +1 +1 +0"));
            Assert.That(lines, Has.Length.EqualTo(6), result.Error + _lab.DirectorLog);
            Assert.That(lines.Take(3).Select(l => l.Split(' ')[2]), Is.EquivalentTo(new[] { "web1:192.168.139.254", "web2:192.168.139.253", "web3:192.168.139.252" }));
            Assert.That(lines.Skip(3), Is.EqualTo(lines.Take(3)), "each connection answered by the same server after the restart");
        });
    }

    [Test]
    public void Reload_WritesTheStateFile_AndTheDirectorGoesOn()
    {
        _lab.StartDirector(Rules, "--state-file", StateFile);
        Assert.That(_lab.Get(), Does.StartWith("web"));

        var reload = _lab.RunDirectorScript("reload");

        Assert.Multiple(() =>
        {
            Assert.That(reload.ExitCode, Is.Zero, reload.Error);
            Assert.That(reload.Error, Does.Contain("writing its connections to its state file"));
            Assert.That(WaitFor(() => File.Exists(StateFile), TimeSpan.FromSeconds(10)), Is.True, _lab.DirectorLog);
            Assert.That(File.ReadAllText(StateFile), Does.StartWith("forwarder-connections 1\nsaved "));
            Assert.That(WaitFor(() => _lab.DirectorLog.Contains("template(s) saved to " + StateFile, StringComparison.Ordinal), TimeSpan.FromSeconds(5)), Is.True);
            Assert.That(_lab.DirectorRunning, Is.True);
            Assert.That(_lab.Get(), Does.StartWith("web"), "still directing");
        });
    }

    [Test]
    public void Reload_WithoutADirector_SaysSo()
    {
        var reload = _lab.RunDirectorScript("reload");

        Assert.Multiple(() =>
        {
            Assert.That(reload.ExitCode, Is.EqualTo(1));
            Assert.That(reload.Error, Does.Contain("no director is running"));
        });
    }

    [TestCase("garbage\n", "line 1: not a state file")]
    [TestCase("forwarder-connections 1\nsaved 5\nc 1 tcp", "line 3: truncated: no end line")]
    [TestCase("forwarder-connections 1\nsaved 5\n\u0001\u00ff\nend 1 0\n", "not a text state file")]
    public void CorruptStateFile_IsReported_AndTheDirectorStartsWithoutIt(string content, string reason)
    {
        File.WriteAllText(StateFile, content);

        _lab.StartDirector(Rules, "--state-file", StateFile);

        Assert.Multiple(() =>
        {
            Assert.That(_lab.DirectorLog, Does.Contain($"forwarder run: state file {StateFile}: {reason}"));
            Assert.That(_lab.DirectorLog, Does.Contain("starting without it"));
            Assert.That(_lab.DirectorLog, Does.Not.Contain("Unhandled exception"));
            Assert.That(_lab.Get(), Does.StartWith("web"), "the director runs");
        });
    }

    /// <summary>The ESTABLISHED lines of <c>-Lnc</c> without their expiry: protocol, client, virtual address, real server.</summary>
    private static List<string> Established(string listing) =>
        listing.Split('\n')
            .Where(l => l.Contains("ESTABLISHED", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => $"{f[0]} {f[3]} {f[4]} {f[5]}")
            .ToList();

    private static bool WaitFor(Func<bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            Thread.Sleep(100);
        }
        return true;
    }
}
