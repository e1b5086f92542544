using System.Diagnostics;
using System.Globalization;

namespace Forwarder.Lab.Tests;

/// <summary>
/// Two directors as a VRRP pair (src/lab/lab-ha.sh: both on the client-side and the server-side segments, Debian's real
/// keepalived in each namespace, its notify scripts moving the VIP and the webs' gateway with <c>vip take|release</c>, a
/// vrrp_script tracking the director), NAT mode. A client holds 20 keep-alive HTTP connections through the master and
/// sends a request a second on each; the master's director is killed with SIGKILL by its PID (its keepalived lives on and
/// notices); the backup becomes MASTER. With connection sync every held connection carries on to the same real server;
/// without it they are measured lost. New connections succeed either way. Bounded; directors and keepalived are stopped
/// by PID and the namespaces deleted, even on failure.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class VrrpFailoverLabTests
{
    private const string Vip = "192.168.1.199";
    private const string Gateway = "192.168.139.142";
    private const int Connections = 20;
    private const int Requests = 30;

    private const string Rules = """
        -A -t 192.168.1.199:80 -s rr
        -a -t 192.168.1.199:80 -r 192.168.139.254:80 -m
        -a -t 192.168.1.199:80 -r 192.168.139.253:80 -m
        -a -t 192.168.1.199:80 -r 192.168.139.252:80 -m
        """;

    /// <summary>
    /// COUNT keep-alive connections, each sending GET number i at start + i seconds; a line per answer or failure:
    /// "CONN SEQ SENT_MS TOOK_MS BODY" or "CONN SEQ SENT_MS TOOK_MS error WHY" (the connection's thread then ends). READY is created once
    /// every connection had its first answer.
    /// </summary>
    private const string HeldClient = """
        import socket, sys, threading, time
        count, requests, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
        lock = threading.Lock()
        answered = threading.Semaphore(0)
        def say(*words):
            with lock:
                print(*words, flush=True)
        def get(s):
            s.sendall(b'GET / HTTP/1.1\r\nHost: vip\r\n\r\n')
            data = b''
            while b'\r\n\r\n' not in data or not data.endswith(b'\n'):
                chunk = s.recv(4096)
                if not chunk:
                    raise OSError('closed by the peer')
                data += chunk
            return data.split(b'\r\n\r\n', 1)[1].decode().strip()
        def hold(index, start):
            try:
                s = socket.create_connection(('192.168.1.199', 80), timeout=10)
            except OSError as e:
                say(index, 0, int(time.time() * 1000), 0, 'error', 'connect:', e)
                answered.release()
                return
            s.settimeout(12)
            for seq in range(requests):
                time.sleep(max(0, start + seq - time.time()))
                sent = int(time.time() * 1000)
                try:
                    body = get(s)
                    say(index, seq, sent, int(time.time() * 1000) - sent, body)
                except OSError as e:
                    say(index, seq, sent, int(time.time() * 1000) - sent, 'error', e)
                    if seq == 0:
                        answered.release()
                    return
                if seq == 0:
                    answered.release()
        start = time.time() + 1
        threads = [threading.Thread(target=hold, args=(i, start)) for i in range(count)]
        for t in threads:
            t.start()
        for _ in range(count):
            answered.acquire(timeout=30)
        open(ready, 'w').close()
        for t in threads:
            t.join(timeout=60)
        """;

    private readonly string _prefix = $"f{Environment.ProcessId % 10000}ha-";
    private readonly Dictionary<string, Process> _directors = [];
    private string _state = string.Empty;
    private string _script = string.Empty;
    private Dictionary<string, string?> _environment = [];

    [OneTimeSetUp]
    public void BuildTheLab()
    {
        if (Lab.WhyNot() is { } reason)
        {
            Assert.Ignore(reason);
        }
        if (Shell.Run("sh", ["-c", "command -v keepalived"]).ExitCode != 0)
        {
            Assert.Ignore("keepalived is not installed (./run-director.sh test installs it)");
        }
        _state = Path.Combine(Path.GetTempPath(), _prefix + "lab");
        _script = Path.Combine(Repository.Root, "src", "lab", "lab-ha.sh");
        _environment = new Dictionary<string, string?>
        {
            ["LAB_PREFIX"] = _prefix,
            ["LAB_STATE"] = _state,
            ["FORWARDER_DLL"] = Repository.ForwarderDll,
        };
        LabScript("down");
        LabScript("up");
    }

    [OneTimeTearDown]
    public void TearDownTheLab()
    {
        if (_script.Length > 0)
        {
            StopPair();
            Shell.Run(_script, ["down"], TimeSpan.FromSeconds(60), environment: _environment);
        }
    }

    [TearDown]
    public void StopPair()
    {
        foreach (var director in new[] { "dir1", "dir2" })
        {
            Shell.Run(_script, ["vrrp-stop", director], TimeSpan.FromSeconds(30), environment: _environment);
            File.Delete(Path.Combine(_state, director, "vrrp-transitions"));
            // The connections a director saved as it stopped would come back with the next test's director.
            File.Delete(Path.Combine(_state, director, "connections.state"));
        }
        foreach (var (_, director) in _directors)
        {
            if (!director.HasExited)
            {
                Shell.Run("kill", ["-TERM", director.Id.ToString(CultureInfo.InvariantCulture)]);
                if (!director.WaitForExit(30_000))
                {
                    Shell.Run("kill", ["-KILL", director.Id.ToString(CultureInfo.InvariantCulture)]);
                    director.WaitForExit(5_000);
                }
            }
            director.Dispose();
        }
        _directors.Clear();
    }

    [Test]
    public void WithSync_TwentyHeldConnectionsCarryOn_WhenTheMastersDirectorIsKilled()
    {
        var run = FailOver(sync: true);

        Assert.Multiple(() =>
        {
            Assert.That(run.TakeoverSeconds, Is.LessThan(4.0), "the backup became MASTER within 4 s of the kill: " + run.Transitions);
            Assert.That(run.Held.Keys, Has.Count.EqualTo(Connections), run.ClientOutput);
            foreach (var (connection, answers) in run.Held)
            {
                Assert.That(answers.Where(a => a.Body.StartsWith("error", StringComparison.Ordinal)), Is.Empty, $"connection {connection}: every request answered");
                Assert.That(answers, Has.Count.EqualTo(Requests), $"connection {connection}: all {Requests} requests made");
                Assert.That(answers.Select(a => a.Body).Distinct().ToList(), Has.Count.EqualTo(1), $"connection {connection}: one real server throughout");
                Assert.That(answers.Count(a => a.SentMs > run.KilledMs + 1000), Is.GreaterThan(5), $"connection {connection}: answered after the failover");
            }
            Assert.That(run.NewConnections, Has.All.StartWith("web"), "new connections through the new master");
            Assert.That(run.NewOwner, Is.EqualTo($"{Vip} on eth2\n{Gateway} on eth1\n"));
        });
        var answered = run.Held.Values.SelectMany(answers => answers).ToList();
        TestContext.Out.WriteLine($"with sync: MASTER {run.TakeoverSeconds:F2} s after the kill, addresses taken {run.TakenSeconds:F2} s after; " +
            $"{Connections - run.Broken} of {Connections} held connections carried on; {answered.Count(a => a.TookMs > 1000)} of {answered.Count} requests took over 1 s, " +
            $"the slowest {answered.Max(a => a.TookMs)} ms");
    }

    [Test]
    public void WithoutSync_TheHeldConnectionsAreLost_AndNewConnectionsSucceed()
    {
        var run = FailOver(sync: false);

        Assert.Multiple(() =>
        {
            Assert.That(run.TakeoverSeconds, Is.LessThan(4.0), "the backup became MASTER within 4 s of the kill: " + run.Transitions);
            Assert.That(run.Held.Keys, Has.Count.EqualTo(Connections), run.ClientOutput);
            // The backup knows none of them: each mid-stream segment finds no connection and is dropped (DroppedNoConnection).
            Assert.That(run.Broken, Is.EqualTo(Connections), "every held connection is lost without sync");
            Assert.That(run.NewConnections, Has.All.StartWith("web"), "new connections through the new master");
        });
        var firstError = run.Held.Values.SelectMany(answers => answers).FirstOrDefault(a => a.Body.StartsWith("error", StringComparison.Ordinal));
        TestContext.Out.WriteLine($"without sync: MASTER {run.TakeoverSeconds:F2} s after the kill, addresses taken {run.TakenSeconds:F2} s after; {run.Broken} of {Connections} held connections lost " +
            $"(first: request {firstError?.Sequence}, {firstError?.Body}); the new master's connections:\n{run.BackupConnections}");
    }

    private sealed record Answer(int Sequence, long SentMs, long TookMs, string Body);

    private sealed record FailoverRun(double TakeoverSeconds, double TakenSeconds, long KilledMs, string Transitions, Dictionary<int, List<Answer>> Held, int Broken,
        List<string> NewConnections, string NewOwner, string ClientOutput, string BackupConnections);

    private FailoverRun FailOver(bool sync)
    {
        StartDirector("dir1");
        StartDirector("dir2");
        if (sync)
        {
            // Both daemons on both directors (as kernel 6.1 allows): whichever is MASTER sends, the other keeps up.
            foreach (var director in new[] { "dir1", "dir2" })
            {
                foreach (var role in new[] { "master", "backup" })
                {
                    var started = Forwarder("ipvsadm", "--socket", Socket(director), "--start-daemon", role, "--mcast-interface", "sync0", "--syncid", "51");
                    Assert.That(started.ExitCode, Is.Zero, started.Error);
                }
            }
        }
        LabScript("vrrp", "dir1", "150");
        LabScript("vrrp", "dir2", "100");
        Assert.That(WaitFor(() => Transitions("dir1").Contains("master", StringComparison.Ordinal), TimeSpan.FromSeconds(20)), Is.True,
            "dir1 became MASTER: " + File.ReadAllText(Path.Combine(_state, "dir1", "keepalived.log")));

        var ready = Path.Combine(_state, "held-ready");
        File.Delete(ready);
        var script = Path.Combine(_state, "held.py");
        File.WriteAllText(script, HeldClient);
        var client = Task.Run(() => Shell.Run("ip", ["netns", "exec", _prefix + "client", "timeout", "90", "python3", script,
            Connections.ToString(CultureInfo.InvariantCulture), Requests.ToString(CultureInfo.InvariantCulture), ready], TimeSpan.FromSeconds(120)));
        Assert.That(WaitFor(() => File.Exists(ready), TimeSpan.FromSeconds(40)), Is.True, "the client holds its connections");
        if (sync)
        {
            // Synced on the third client packet, sent within two seconds: wait until the backup has all of them.
            WaitFor(() => Established(Forwarder("ipvsadm", "--socket", Socket("dir2"), "-Lnc").Output) >= Connections, TimeSpan.FromSeconds(20));
        }
        else
        {
            Thread.Sleep(3_000);
        }

        var killedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Shell.Run("kill", ["-KILL", _directors["dir1"].Id.ToString(CultureInfo.InvariantCulture)]);
        WaitFor(() => Transitions("dir2").Contains("master", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        var transitions = Transitions("dir2");
        var masterAt = transitions.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.EndsWith(" master", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ')[0], CultureInfo.InvariantCulture)).DefaultIfEmpty(double.MaxValue).Last();
        var takeover = masterAt - (killedMs / 1000.0);
        // notify.sh notes when its `vip take` is done: from then on the new master answers ARP and has announced itself.
        WaitFor(() => Transitions("dir2").Contains("master done", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        var takenAt = Transitions("dir2").Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains(" master done", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ')[0], CultureInfo.InvariantCulture)).DefaultIfEmpty(double.MaxValue).Last();
        var taken = takenAt - (killedMs / 1000.0);

        var newConnections = Enumerable.Range(0, 5)
            .Select(_ => Shell.Run("ip", ["netns", "exec", _prefix + "client", "curl", "-s", "-m", "5", $"http://{Vip}/"], TimeSpan.FromSeconds(20)).Output.Trim())
            .ToList();
        var newOwner = Forwarder("vip", "list", "--socket", Socket("dir2")).Output;
        var result = client.Result;
        var backupConnections = Forwarder("ipvsadm", "--socket", Socket("dir2"), "-Lnc").Output;

        var held = new Dictionary<int, List<Answer>>();
        foreach (var line in result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var words = line.Split(' ', 5);
            var answer = new Answer(int.Parse(words[1], CultureInfo.InvariantCulture), long.Parse(words[2], CultureInfo.InvariantCulture),
                long.Parse(words[3], CultureInfo.InvariantCulture), words[4]);
            var connection = int.Parse(words[0], CultureInfo.InvariantCulture);
            if (!held.TryGetValue(connection, out var answers))
            {
                held[connection] = answers = [];
            }
            answers.Add(answer);
        }
        var broken = held.Values.Count(answers => answers.Any(a => a.Body.StartsWith("error", StringComparison.Ordinal)));
        return new FailoverRun(takeover, taken, killedMs, transitions, held, broken, newConnections, newOwner,
            result.Output + result.Error, backupConnections);
    }

    private void StartDirector(string director)
    {
        var state = Path.Combine(_state, director);
        var rules = Path.Combine(state, "rules");
        File.WriteAllText(rules, Rules);
        File.Delete(Socket(director));
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
                 {
                     "netns", "exec", _prefix + director, Path.Combine(Repository.Root, "run-director.sh"), "run", "--public", "eth2", "--private", "eth1",
                     "--socket", Socket(director), "--rules", rules, "--vips-owned", "none",
                 })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["FORWARDER_DLL"] = Repository.ForwarderDll;
        start.Environment["FORWARDER_STATE"] = state;
        var process = Process.Start(start) ?? throw new InvalidOperationException("the director did not start");
        _directors[director] = process;
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var opened = WaitFor(() => File.Exists(Socket(director)) || process.HasExited, TimeSpan.FromSeconds(30)) && File.Exists(Socket(director));
        Assert.That(opened, Is.True, $"{director} opened its control socket: {log}");
    }

    private string Socket(string director) => Path.Combine(_state, director, "forwarder.sock");

    private string Transitions(string director)
    {
        var path = Path.Combine(_state, director, "vrrp-transitions");
        return File.Exists(path) ? File.ReadAllText(path) : string.Empty;
    }

    private static int Established(string listing) =>
        listing.Split('\n').Count(line => line.Contains("ESTABLISHED", StringComparison.Ordinal) && line.Contains(Vip + ":80", StringComparison.Ordinal));

    private static Shell.Result Forwarder(params string[] arguments) =>
        Shell.Run("dotnet", new[] { Repository.ForwarderDll }.Concat(arguments), TimeSpan.FromSeconds(30));

    private void LabScript(params string[] arguments)
    {
        var result = Shell.Run(_script, arguments, TimeSpan.FromSeconds(90), environment: _environment);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"lab-ha.sh {string.Join(' ', arguments)}: {result.Error}{result.Output}");
        }
    }

    private static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }
            Thread.Sleep(200);
        }
        return condition();
    }
}
