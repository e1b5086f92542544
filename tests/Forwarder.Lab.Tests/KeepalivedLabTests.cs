using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Forwarder.Lab.Tests;

/// <summary>
/// The seed's NAT lab with the director run from keepalived's configuration (the README's file as it stands, plus an
/// include with a MISC_CHECK service and an inhibit_on_failure one): web servers' nginx killed by PID and started
/// again, the table following by itself, clients never failing once a dead server is out. Needs root.
/// </summary>
[TestFixture]
[NonParallelizable]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class KeepalivedLabTests
{
    private const string Web1 = "[192.168.139.254]:tcp:80";
    private const string Vs = "[192.168.1.199]:tcp:80";

    /// <summary>The README's checkers on web1: delay_loop 1, retry 1, connect_timeout 1 (delay_before_retry 0.25).</summary>
    private static readonly TimeSpan RemovalBound = TimeSpan.FromSeconds(1 * 1 + 1);

    private const string OperatorRules = """
        -A -u 192.168.1.199:7 -s rr
        -a -u 192.168.1.199:7 -r 192.168.139.254:7 -m
        """;

    private Lab _lab = null!;
    private string _sorryServerPid = string.Empty;
    private string _miscStatus = string.Empty;

    [OneTimeSetUp]
    public void BuildTheLab()
    {
        if (Lab.WhyNot() is { } reason)
        {
            Assert.Ignore(reason);
        }
        _lab = Lab.Up("ka");
        // The sorry server: a plain HTTP server on web2:8080 answering "sorry".
        var sorryRoot = Path.Combine(_lab.State, "sorry");
        Directory.CreateDirectory(sorryRoot);
        File.WriteAllText(Path.Combine(sorryRoot, "index.html"), "sorry\n");
        _sorryServerPid = _lab.In("web2", "sh", "-c",
            $"(python3 -m http.server 8080 --bind 192.168.139.253 --directory {sorryRoot} >/dev/null 2>&1 & echo $!)").Output.Trim();

        var readme = ReadmeKeepalivedConf();
        _miscStatus = Path.Combine(_lab.DirectorState, "misc-status");
        File.WriteAllText(_miscStatus, "0");
        var miscScript = Path.Combine(_lab.DirectorState, "misc-check.sh");
        File.WriteAllText(miscScript, $"#!/bin/sh\nexit $(cat {_miscStatus})\n");
        File.SetUnixFileMode(miscScript, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(Path.Combine(_lab.DirectorState, "conf.d"));
        File.WriteAllText(Path.Combine(_lab.DirectorState, "conf.d", "more.conf"), $$"""
            # web1 behind two more services: one weighted by a script, one that keeps a failed server at weight 0
            virtual_server 192.168.1.199 8081 {
                delay_loop 1
                lb_algo wrr
                lb_kind NAT
                protocol TCP
                real_server 192.168.139.254 80 {
                    weight 1
                    MISC_CHECK {
                        misc_path {{miscScript}}
                        misc_timeout 2
                        misc_dynamic
                    }
                }
            }
            virtual_server 192.168.1.199 8082 {
                delay_loop 1
                lb_algo rr
                lb_kind NAT
                protocol TCP
                real_server 192.168.139.254 80 {
                    weight 1
                    inhibit_on_failure
                    HTTP_GET {
                        url {
                            path /
                        }
                        connect_timeout 1
                        retry 1
                        delay_before_retry 0.25
                    }
                }
                real_server 192.168.139.253 80 {
                    weight 1
                    TCP_CHECK {
                        connect_timeout 1
                    }
                }
            }
            """);
        var conf = Path.Combine(_lab.DirectorState, "keepalived.conf");
        File.WriteAllText(conf, readme + "include conf.d/*.conf\n");
        // A service of the operator's own beside keepalived's: no checker touches it.
        _lab.StartDirector(OperatorRules, "--keepalived-conf", conf);
        WaitForLog($"Gained quorum 1+0=1 <= 3 for VS {Vs}", TimeSpan.FromSeconds(10));
        // Every web checked once (the first check comes within delay_loop): from here on a failure is a change.
        WaitForLog($"Remote Web server {Web1} succeed on service.", TimeSpan.FromSeconds(10));
        WaitForLog("Remote Web server [192.168.139.253]:tcp:80 succeed on service.", TimeSpan.FromSeconds(10));
        WaitForLog("TCP connection to [192.168.139.252]:tcp:80 success.", TimeSpan.FromSeconds(10));
    }

    [OneTimeTearDown]
    public void TearDownTheLab()
    {
        if (_lab is null)
        {
            return;
        }
        if (_sorryServerPid.Length > 0)
        {
            _lab.In("web2", "kill", _sorryServerPid);
        }
        _lab.Dispose();
    }

    [Test, Order(1)]
    public void AtStart_TheConfiguredServicesAreInTheTable_AndEveryWebServes()
    {
        var listing = _lab.Ipvsadm("-Ln").Output;

        Assert.That(listing, Does.Contain("TCP  192.168.1.199:80 rr\n"), _lab.DirectorLog);
        Assert.That(Weight(listing, "192.168.1.199:80", "192.168.139.254:80"), Is.EqualTo(1));
        Assert.That(Weight(listing, "192.168.1.199:80", "192.168.139.253:80"), Is.EqualTo(1));
        Assert.That(Weight(listing, "192.168.1.199:80", "192.168.139.252:80"), Is.EqualTo(1));
        Assert.That(listing, Does.Not.Contain("192.168.139.253:8080"), "no sorry server while the webs are up");
        var answers = Enumerable.Range(0, 6).Select(_ => _lab.Get()).ToHashSet();
        Assert.That(answers, Is.EquivalentTo(new[] { "web1:192.168.139.254", "web2:192.168.139.253", "web3:192.168.139.252" }));
        Assert.That(_lab.DirectorLog, Does.Contain($"<6>forwarder: Activating healthchecker for service {Web1} for VS {Vs}"));
        Assert.That(_lab.DirectorLog, Does.Contain("<6>forwarder: ipvsadm -a -t 192.168.1.199:80 -r 192.168.139.254:80 -m -w 1 (origin: checker)"));
        Assert.That(_lab.DirectorLog, Does.Contain($"<6>forwarder: ipvsadm -A -u 192.168.1.199:7 -s rr (origin: rules file {_lab.Rules})"));
        Assert.That(listing, Does.Contain("UDP  192.168.1.199:7 rr\n  -> 192.168.139.254:7"), "the operator's own service is there as loaded");
    }

    [Test, Order(2)]
    public void KilledWeb1_LeavesTheTableWithinTheBound_AndNoRequestFailsAfter_WhileInhibitKeepsItAtWeightZero()
    {
        var watch = KillNginx("web1");
        WaitForLog($"Removing service {Web1} from VS {Vs}", TimeSpan.FromSeconds(10));
        var removedAt = watch.Elapsed;
        TestContext.Out.WriteLine($"web1 removed {removedAt.TotalMilliseconds:0} ms after its nginx was killed (bound {RemovalBound.TotalMilliseconds:0} ms)");

        // The checks' own worst case is delay_loop + retry x delay_before_retry = 1.25 s; the bound leaves 0.75 s of the
        // machine's scheduling delay (measured up to 0.7 s with other jobs at load 20 on two cores), the slack 0.5 s more.
        Assert.That(removedAt, Is.LessThanOrEqualTo(RemovalBound + TimeSpan.FromMilliseconds(500)), "within delay_loop x retry + connect_timeout");
        WaitFor(() => Weight(_lab.Ipvsadm("-Ln").Output, "192.168.1.199:80", "192.168.139.254:80") is null, "web1 out of the table");
        var answers = Enumerable.Range(0, 30).Select(_ => _lab.Get()).ToList();
        Assert.That(answers, Has.All.Matches<string>(a => a is "web2:192.168.139.253" or "web3:192.168.139.252"), _lab.DirectorLog);
        WaitFor(() => Weight(_lab.Ipvsadm("-Ln").Output, "192.168.1.199:8082", "192.168.139.254:80") == 0, "web1 at weight 0 in the inhibited service");
        Assert.That(_lab.DirectorLog, Does.Contain($"Disabling service {Web1} of VS [192.168.1.199]:tcp:8082"));
        Assert.That(_lab.DirectorLog, Does.Contain("<6>forwarder: ipvsadm -d -t 192.168.1.199:80 -r 192.168.139.254:80 (origin: checker)"));
    }

    [Test, Order(3)]
    public void RestartedWeb1_ComesBack_WithItsWeight()
    {
        StartNginx("web1");

        WaitFor(() => Weight(_lab.Ipvsadm("-Ln").Output, "192.168.1.199:80", "192.168.139.254:80") == 1, "web1 back");
        WaitFor(() => Weight(_lab.Ipvsadm("-Ln").Output, "192.168.1.199:8082", "192.168.139.254:80") == 1, "web1 back to weight 1 in the inhibited service");
        Assert.That(_lab.DirectorLog, Does.Contain($"Adding service {Web1} to VS {Vs}"));
        var answers = Enumerable.Range(0, 6).Select(_ => _lab.Get()).ToList();
        Assert.That(answers, Does.Contain("web1:192.168.139.254"));
    }

    [Test, Order(4)]
    public void AllThreeDown_TheSorryServerTakesOver_AndLeavesWhenTheyReturn()
    {
        foreach (var web in new[] { "web1", "web2", "web3" })
        {
            KillNginx(web);
        }
        try
        {
            WaitForLog($"Adding sorry server [192.168.139.253]:tcp:8080 to VS {Vs}", TimeSpan.FromSeconds(15));
            WaitFor(() => Weight(_lab.Ipvsadm("-Ln").Output, "192.168.1.199:80", "192.168.139.253:8080") == 1, "the sorry server in the table");
            // CI once saw the first fetch right after the table changed come back empty (cause not found); what the
            // test holds keepalived to is that the sorry server answers, within the wait.
            WaitFor(() => _lab.Get() == "sorry", "the sorry server answers");

            Assert.That(_lab.DirectorLog, Does.Contain($"Lost quorum 1-0=1 > 0 for VS {Vs}"));
        }
        finally
        {
            foreach (var web in new[] { "web1", "web2", "web3" })
            {
                StartNginx(web);
            }
        }
        WaitForLog($"Removing sorry server [192.168.139.253]:tcp:8080 from VS {Vs}", TimeSpan.FromSeconds(15));
        WaitFor(() => _lab.Get().StartsWith("web", StringComparison.Ordinal), "the webs serve again");
    }

    [Test, Order(5)]
    public void MiscCheck_TheScriptsExitStatusSetsTheWeight()
    {
        Assert.That(Weight(_lab.Ipvsadm("-Ln").Output, "192.168.1.199:8081", "192.168.139.254:80"), Is.EqualTo(1));

        File.WriteAllText(_miscStatus, "9");
        WaitFor(() => Weight(_lab.Ipvsadm("-Ln").Output, "192.168.1.199:8081", "192.168.139.254:80") == 7, "exit 9: weight 7");
        File.WriteAllText(_miscStatus, "1");
        WaitFor(() => Weight(_lab.Ipvsadm("-Ln").Output, "192.168.1.199:8081", "192.168.139.254:80") is null, "exit 1: out");
        File.WriteAllText(_miscStatus, "0");
        WaitFor(() => Weight(_lab.Ipvsadm("-Ln").Output, "192.168.1.199:8081", "192.168.139.254:80") == 1, "exit 0: back with weight 1");

        Assert.That(_lab.DirectorLog, Does.Contain("Changing weight from 1 to 7 for active service [192.168.139.254]:tcp:80 of VS [192.168.1.199]:tcp:8081"));
    }

    [Test, Order(6)]
    public void AServerTheOperatorTakesOut_StaysOut_WhileItsCheckerPasses_AndTheEditIsLoggedAsTheOperators()
    {
        WaitForLog("TCP connection to [192.168.139.252]:tcp:80 success.", TimeSpan.FromSeconds(15));
        var removed = _lab.Ipvsadm("-d", "-t", "192.168.1.199:80", "-r", "192.168.139.252:80");
        Assert.That(removed.ExitCode, Is.Zero, removed.Error);
        try
        {
            Thread.Sleep(2500);

            Assert.That(Weight(_lab.Ipvsadm("-Ln").Output, "192.168.1.199:80", "192.168.139.252:80"), Is.Null, "as keepalived: only a transition edits the table");
            Assert.That(_lab.Ipvsadm("-Sn").Output, Does.Not.Contain("192.168.139.252:80").And.Contain("-a -u 192.168.1.199:7 -r 192.168.139.254:7 -m -w 1"));
            Assert.That(_lab.DirectorLog, Does.Contain("<6>forwarder: ipvsadm -d -t 192.168.1.199:80 -r 192.168.139.252:80 (origin: control socket)"));
        }
        finally
        {
            _lab.Ipvsadm("-a", "-t", "192.168.1.199:80", "-r", "192.168.139.252:80", "-m");
        }
    }

    [Test, Order(7)]
    public void ConfigurationThatCannotBeRead_IsRefusedByCheck_WithItsFileAndLine()
    {
        var bad = Path.Combine(_lab.DirectorState, "bad.conf");
        File.WriteAllText(bad, "virtual_server 192.168.1.199 80 {\n    protocol TCP\n}\n}\n");

        var refused = _lab.RunDirectorToExit(["--check", "--keepalived-conf", bad]);

        Assert.That(refused.ExitCode, Is.EqualTo(1));
        Assert.That(refused.Error, Does.Contain($"forwarder run: --keepalived-conf {bad}: ({bad}: Line 4) Extra '}}' found"));
    }

    [Test, Order(8)]
    public void ARestartedDirector_KeepsAHeldConnection_ToItsServer_AsKeepalivedsServicesGoInBeforeTheFlowsAreRestored()
    {
        var ready = Path.Combine(_lab.State, "ka-held-ready");
        var go = Path.Combine(_lab.State, "ka-held-go");
        var script = Path.Combine(_lab.State, "ka-held.py");
        File.WriteAllText(script, """
            import os, socket, sys, time
            s = socket.create_connection(('192.168.1.199', 80), timeout=10)
            def get():
                s.sendall(b'GET / HTTP/1.1\r\nHost: vip\r\n\r\n')
                data = b''
                while not data.endswith(b'\n') or b'\r\n\r\n' not in data:
                    chunk = s.recv(4096)
                    if not chunk:
                        return 'closed'
                    data += chunk
                return data.split(b'\r\n\r\n', 1)[1].decode().strip()
            print(get(), flush=True)
            open(sys.argv[1], 'w').close()
            deadline = time.time() + 40
            while not os.path.exists(sys.argv[2]) and time.time() < deadline:
                time.sleep(0.1)
            try:
                print(get(), flush=True)
            except OSError as e:
                print('error', e, flush=True)
            """);
        var held = Task.Run(() => _lab.In("client", "timeout", "55", "python3", script, ready, go));
        WaitFor(() => File.Exists(ready), "the client holds its connection");

        Assert.That(_lab.StopDirector(), Is.Zero, _lab.DirectorLog);
        _lab.StartDirector(OperatorRules, "--keepalived-conf", Path.Combine(_lab.DirectorState, "keepalived.conf"));
        File.WriteAllText(go, string.Empty);
        var lines = held.Result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // The earlier tests' closed connections (TIME_WAIT) are saved and restored too.
        Assert.That(_lab.DirectorLog, Does.Match(@"forwarder: restored [1-9][0-9]* connection\(s\)"));
        Assert.That(lines, Has.Length.EqualTo(2), held.Result.Error + _lab.DirectorLog);
        Assert.That(lines[0], Does.StartWith("web"));
        Assert.That(lines[1], Is.EqualTo(lines[0]), "answered by the same server after the restart");
    }

    /// <summary>
    /// Stops a web's nginx by the PID in its pidfile (SIGTERM: the master takes its workers down), waiting until it is
    /// gone; the watch runs from the signal.
    /// </summary>
    private Stopwatch KillNginx(string web)
    {
        var pidFile = Path.Combine(_lab.State, web, "nginx.pid");
        var pid = File.ReadAllText(pidFile).Trim();
        var workers = _lab.In(web, "pgrep", "-P", pid).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var watch = Stopwatch.StartNew();
        Shell.Run("kill", ["-TERM", pid]);
        WaitFor(() => new[] { pid }.Concat(workers).All(p => !Directory.Exists($"/proc/{p}")), $"{web}'s nginx gone");
        return watch;
    }

    private void StartNginx(string web)
    {
        var result = _lab.In(web, "nginx", "-c", Path.Combine(_lab.State, web, "nginx.conf"));
        Assert.That(result.ExitCode, Is.Zero, result.Error);
    }

    /// <summary>The weight ipvsadm -Ln lists for a real server of a service, or null when it is not there.</summary>
    private static int? Weight(string listing, string service, string server)
    {
        var inService = false;
        foreach (var line in listing.Split('\n'))
        {
            if (line.StartsWith("TCP ", StringComparison.Ordinal) || line.StartsWith("UDP ", StringComparison.Ordinal))
            {
                inService = line.Contains($" {service} ", StringComparison.Ordinal);
                continue;
            }
            if (inService && ServerLine().Match(line) is { Success: true } match && match.Groups[1].Value == server)
            {
                return int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            }
        }
        return null;
    }

    [GeneratedRegex(@"^  -> (\S+) +\S+ +(\d+) ")]
    private static partial Regex ServerLine();

    /// <summary>Waits (polling every 20 ms) for a line of the director's log.</summary>
    private void WaitForLog(string text, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!_lab.DirectorLog.Contains(text, StringComparison.Ordinal))
        {
            if (watch.Elapsed > timeout)
            {
                Assert.Fail($"the director never logged '{text}':\n{_lab.DirectorLog}");
            }
            Thread.Sleep(20);
        }
    }

    private void WaitFor(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"never: {what}\n{_lab.Ipvsadm("-Ln").Output}\n{_lab.DirectorLog}");
            }
            Thread.Sleep(100);
        }
    }

    /// <summary>The README's keepalived.conf, as it stands there.</summary>
    private static string ReadmeKeepalivedConf()
    {
        var text = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var start = text.IndexOf("! keepalived.conf for Forwarder", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "the README shows a keepalived.conf");
        return text[start..(text.IndexOf("\n```", start, StringComparison.Ordinal) + 1)];
    }
}
