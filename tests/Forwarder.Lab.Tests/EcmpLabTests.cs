using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Forwarder.Lab.Tests;

/// <summary>
/// Three active-active directors behind an ECMP router (src/lab/lab-ecmp.sh: an L4 hash over a resilient nexthop
/// group, mh with mh-port on every director, direct routing to web1-3). A client holds 300 HTTP keep-alive
/// connections spread over the three; one director is killed with SIGKILL; at once the held connections each send
/// another request and 200 new connections are tried. New connections must succeed (at least 99%) and every
/// connection the survivors carried must go on; with --sloppy-tcp the dead director's connections go on too (a
/// survivor picks up each mid-stream and mh sends it to the same web), without it they break. The figures are
/// printed for the README. Bounded; everything killed by PID, the namespaces deleted, even on failure.
/// </summary>
[TestFixture(true)]
[TestFixture(false)]
[NonParallelizable]
public sealed class EcmpLabTests
{
    private const int Held = 300;
    private const int New = 200;
    private const int Directors = 3;
    private const int Victim = 2;

    /// <summary>
    /// The client: opens the held connections (one request each, answered "webN:ADDRESS") and prints them by local
    /// port; waits for a line on stdin; then sends a request on each held connection, tries the new connections
    /// (3 s each), and prints what became of each held one (ok: the same web answered) and the new ones' counts.
    /// </summary>
    private const string ClientScript = """
        import json, socket, sys, time
        VIP = ('192.168.1.199', 80)
        HELD, NEW = int(sys.argv[1]), int(sys.argv[2])
        REQUEST = b'GET / HTTP/1.1\r\nHost: vip\r\n\r\n'
        def response(sock, deadline):
            data = b''
            while True:
                if b'\r\n\r\n' in data:
                    head, body = data.split(b'\r\n\r\n', 1)
                    length = next(int(line.split(b':', 1)[1]) for line in head.split(b'\r\n') if line.lower().startswith(b'content-length:'))
                    if len(body) >= length:
                        return body[:length].decode().strip()
                # Past the deadline, what has arrived is still read (a short wait): the held connections share one deadline.
                sock.settimeout(max(deadline - time.monotonic(), 0.05))
                chunk = sock.recv(4096)
                if not chunk:
                    raise ConnectionError('closed by the peer')
                data += chunk
        def exchange(timeout):
            sock = socket.socket()
            sock.settimeout(timeout)
            started = time.monotonic()
            try:
                sock.connect(VIP)
                sock.sendall(REQUEST)
                return sock, response(sock, started + timeout), time.monotonic() - started
            except Exception:
                sock.close()
                raise
        held, failed = {}, 0
        for _ in range(HELD):
            try:
                sock, web, _ = exchange(5)
                held[sock.getsockname()[1]] = (sock, web)
            except Exception:
                failed += 1
        print(json.dumps({'held': {port: web for port, (_, web) in held.items()}, 'failed': failed}), flush=True)
        sys.stdin.readline()
        sent = {}
        for port, (sock, _) in held.items():
            try:
                sock.sendall(REQUEST)
                sent[port] = None
            except Exception as error:
                sent[port] = 'send: ' + type(error).__name__
        new_ok, new_slow, new_failed = 0, 0, 0
        for _ in range(NEW):
            try:
                sock, _, took = exchange(3)
                sock.close()
                new_ok += 1
                new_slow += took > 0.5
            except Exception:
                new_failed += 1
        deadline = time.monotonic() + 15
        after = {}
        for port, (sock, web) in held.items():
            if sent[port] is not None:
                after[port] = sent[port]
                continue
            try:
                answer = response(sock, deadline)
                after[port] = 'ok' if answer == web else 'moved to ' + answer
            except Exception as error:
                after[port] = type(error).__name__
        print(json.dumps({'after': after, 'new_ok': new_ok, 'new_slow': new_slow, 'new_failed': new_failed}), flush=True)
        """;

    private readonly bool _sloppyTcp;
    private readonly string _prefix;
    private readonly string _state;
    private readonly Dictionary<string, string?> _environment;
    private Process? _client;

    public EcmpLabTests(bool sloppyTcp)
    {
        _sloppyTcp = sloppyTcp;
        _prefix = $"fe{Environment.ProcessId % 10000}{(sloppyTcp ? "s" : "k")}-";
        _state = Path.Combine(Path.GetTempPath(), _prefix + "ecmp");
        _environment = new Dictionary<string, string?>
        {
            ["LAB_PREFIX"] = _prefix,
            ["LAB_STATE"] = _state,
            ["LAB_SLOPPY_TCP"] = sloppyTcp ? "1" : "0",
            ["FORWARDER_DLL"] = Repository.ForwarderDll,
        };
    }

    private string Script => Path.Combine(Repository.Root, "src", "lab", "lab-ecmp.sh");

    [OneTimeSetUp]
    public void BuildTheLab()
    {
        if (Lab.WhyNot() is { } reason)
        {
            Assert.Ignore(reason);
        }
        Shell.Run(Script, ["down"], TimeSpan.FromSeconds(60), environment: _environment);
        // Three directors starting at once on a loaded two-core machine: give them time.
        var up = Shell.Run(Script, ["up", Directors.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(300), environment: _environment);
        if (up.ExitCode != 0)
        {
            TearDown();
            Assert.Fail($"lab-ecmp.sh up: {up.Error}{up.Output}");
        }
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        if (_client is not null)
        {
            if (!_client.HasExited)
            {
                Shell.Run("kill", ["-KILL", _client.Id.ToString(CultureInfo.InvariantCulture)]);
                _client.WaitForExit(5_000);
            }
            _client.Dispose();
            _client = null;
        }
        Shell.Run(Script, ["down"], TimeSpan.FromSeconds(120), environment: _environment);
    }

    [Test]
    public void KillingOneOfThreeDirectors_KeepsNewConnectionsAndTheSurvivorsConnections()
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "netns", "exec", _prefix + "client", "python3", "-c", ClientScript, Held.ToString(CultureInfo.InvariantCulture), New.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }
        _client = Process.Start(start) ?? throw new InvalidOperationException("the client did not start");
        _client.ErrorDataReceived += (_, _) => { };
        _client.BeginErrorReadLine();

        using var opened = JsonDocument.Parse(ReadLine(TimeSpan.FromSeconds(120), "the held connections"));
        var heldWeb = opened.RootElement.GetProperty("held").EnumerateObject().ToDictionary(p => int.Parse(p.Name, CultureInfo.InvariantCulture), p => p.Value.GetString()!);
        Assert.That((heldWeb.Count, opened.RootElement.GetProperty("failed").GetInt32()), Is.EqualTo((Held, 0)), "every held connection opened");
        var before = Enumerable.Range(1, Directors).ToDictionary(d => d, ClientPortsOn);
        Assert.Multiple(() =>
        {
            foreach (var port in heldWeb.Keys)
            {
                Assert.That(before.Count(d => d.Value.Contains(port)), Is.EqualTo(1), $"port {port} is on exactly one director");
            }
            foreach (var (director, ports) in before)
            {
                Assert.That(ports, Is.Not.Empty, $"the router sent dir{director} some of the flows");
            }
            Assert.That(heldWeb.Values.Distinct().Count(), Is.EqualTo(3), "mh-port spread the flows over the three webs");
        });

        var victimPid = int.Parse(File.ReadAllText(Path.Combine(_state, $"dir{Victim}", "pid")).Trim(), CultureInfo.InvariantCulture);
        var killedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var killed = Stopwatch.StartNew();
        Assert.That(Shell.Run("kill", ["-KILL", victimPid.ToString(CultureInfo.InvariantCulture)]).ExitCode, Is.Zero, "kill -9 the director");
        _client.StandardInput.WriteLine("go");
        _client.StandardInput.Flush();
        using var result = JsonDocument.Parse(ReadLine(TimeSpan.FromSeconds(120), "the requests after the kill"));
        var took = killed.Elapsed;

        var after = result.RootElement.GetProperty("after").EnumerateObject().ToDictionary(p => int.Parse(p.Name, CultureInfo.InvariantCulture), p => p.Value.GetString()!);
        var newOk = result.RootElement.GetProperty("new_ok").GetInt32();
        var newSlow = result.RootElement.GetProperty("new_slow").GetInt32();
        var survivors = before.Where(d => d.Key != Victim).SelectMany(d => d.Value).ToList();
        var victims = before[Victim];
        var survivorsBroken = survivors.Count(p => after[p] != "ok");
        var victimsBroken = victims.Count(p => after[p] != "ok");
        var survivorsAfter = Enumerable.Range(1, Directors).Where(d => d != Victim).ToDictionary(d => d, ClientPortsOn);
        var keeperLog = File.ReadAllText(Path.Combine(_state, "keeper.log"));
        var nexthops = Shell.Run("ip", ["-n", _prefix + "router", "nexthop", "show"]).Output;
        var deleted = keeperLog.Split('\n').Where(l => l.Contains($"director {Victim} ", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ')[0], CultureInfo.InvariantCulture)).FirstOrDefault();
        TestContext.Out.WriteLine(
            $"next hop deleted {(deleted - killedAt) * 1000:F0} ms after the kill; " +
            $"sloppy_tcp {(_sloppyTcp ? "on" : "off")}: held {Held} (dir1 {before[1].Count}, dir2 {before[2].Count}, dir3 {before[3].Count}); killed dir{Victim}; " +
            $"new connections {newOk}/{New} answered ({newSlow} after more than 0.5 s); survivors' held broken {survivorsBroken}/{survivors.Count}; " +
            $"dead director's held broken {victimsBroken}/{victims.Count} ({100.0 * victimsBroken / victims.Count:F1}%); all answered {took.TotalSeconds:F1} s after the kill; " +
            $"outcomes {string.Join(", ", after.Values.GroupBy(v => v).Select(g => $"{g.Key} {g.Count()}"))}");
        TestContext.Out.WriteLine(keeperLog);

        Assert.Multiple(() =>
        {
            Assert.That(newOk, Is.GreaterThanOrEqualTo(New * 99 / 100), "at least 99% of the new connections succeed at once");
            Assert.That(survivorsBroken, Is.Zero, "every connection the surviving directors carried goes on to its web");
            Assert.That(nexthops, Does.Not.Contain($"id {Victim} "), "the keeper deleted the dead director's next hop");
            Assert.That(keeperLog, Does.Contain($"director {Victim} (pid {victimPid}) gone"));
            foreach (var (director, ports) in survivorsAfter)
            {
                var others = before.Where(d => d.Key != director && d.Key != Victim).SelectMany(d => d.Value);
                Assert.That(ports.Intersect(others), Is.Empty, $"no flow of another survivor moved to dir{director} (the resilient group kept them in place)");
            }
            if (_sloppyTcp)
            {
                // mh on every director: a survivor picks up each of the dead director's flows mid-stream, to the same web.
                Assert.That(victimsBroken, Is.LessThanOrEqualTo(victims.Count / 20), "with sloppy_tcp and mh, the dead director's connections go on (at most 5% broken)");
                Assert.That(victims.Where(p => after[p] == "ok").All(p => survivorsAfter.Values.Any(s => s.Contains(p))), Is.True,
                    "each of the dead director's flows that went on is now on a survivor");
            }
            else
            {
                // Without it a survivor drops the mid-stream segments of flows it never saw open.
                Assert.That(victimsBroken, Is.GreaterThan(victims.Count / 2), "without sloppy_tcp, the dead director's connections break");
            }
        });
    }

    private string ReadLine(TimeSpan timeout, string what)
    {
        var line = _client!.StandardOutput.ReadLineAsync();
        if (!line.Wait(timeout) || line.Result is null)
        {
            Assert.Fail($"the client did not report {what} within {timeout.TotalSeconds} s");
        }
        return line.Result!;
    }

    /// <summary>The client ports of the connections a director lists (ipvsadm -Lnc).</summary>
    private HashSet<int> ClientPortsOn(int director)
    {
        var listing = Shell.Run("dotnet", [Repository.ForwarderDll, "ipvsadm", "--socket", Path.Combine(_state, $"dir{director}", "forwarder.sock"), "-Lnc"], TimeSpan.FromSeconds(60));
        Assert.That(listing.ExitCode, Is.Zero, $"ipvsadm -Lnc on dir{director}: {listing.Error}");
        return listing.Output.Split('\n')
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 4 && fields[3].StartsWith("172.16.0.2:", StringComparison.Ordinal))
            .Select(fields => int.Parse(fields[3]["172.16.0.2:".Length..], CultureInfo.InvariantCulture))
            .ToHashSet();
    }
}
