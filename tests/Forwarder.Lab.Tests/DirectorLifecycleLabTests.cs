namespace Forwarder.Lab.Tests;

/// <summary>
/// The live director's start and end in the lab's director namespace: arguments it must refuse before it
/// changes anything on the host, a counters file that fails while it runs, a save that fails at exit, a
/// director killed outright, and <c>stop</c>. Whatever way it ends, the host's changes are undone.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DirectorLifecycleLabTests
{
    private const string Rules = """
        -A -t 192.168.1.199:80 -s rr
        -a -t 192.168.1.199:80 -r 192.168.139.254:80 -m
        """;

    private Lab _lab = null!;

    [OneTimeSetUp]
    public void BuildTheLab()
    {
        if (Lab.WhyNot() is { } reason)
        {
            Assert.Ignore(reason);
        }
        _lab = Lab.Up("life");
    }

    [OneTimeTearDown]
    public void TearDownTheLab() => _lab?.Dispose();

    [TearDown]
    public void StopAnyDirector()
    {
        _lab.StopDirector(kill: true);
        // What a test made in the director's state (a directory where a file was, a counters directory) goes.
        foreach (var entry in Directory.EnumerateFileSystemEntries(_lab.DirectorState))
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
        }
    }

    private string HostState => Path.Combine(_lab.DirectorState, "host-state");

    /// <summary>Whether run-director.sh's nftables table is in the director's namespace: a change to the host.</summary>
    private bool NftTablePresent => _lab.In("director", "nft", "list", "table", "ip", "forwarder").ExitCode == 0;

    private string IpForward => _lab.In("director", "sysctl", "-n", "net.ipv4.ip_forward").Output.Trim();

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

    private static IEnumerable<TestCaseData> Refusals()
    {
        yield return new TestCaseData(new[] { "--counters-file", "{state}/no-such-directory/counters" }, "no-such-directory")
            .SetName("CountersFileInAMissingDirectory_IsRefusedAtStart");
        yield return new TestCaseData(new[] { "--counters-file", "{state}/a-directory" }, "is a directory")
            .SetName("CountersFileThatIsADirectory_IsRefusedAtStart");
        yield return new TestCaseData(new[] { "--rules", "{state}/a-directory", "--save-on-exit" }, "is a directory")
            .SetName("RulesThatNameADirectory_AreRefusedAtStart");
        yield return new TestCaseData(new[] { "--rules", "{state}/no-such-rules" }, "no-such-rules: no such file")
            .SetName("MissingRulesFile_IsRefusedAtStart");
        yield return new TestCaseData(new[] { "--max-connections", "0" }, "--max-connections must be at least 1, got 0")
            .SetName("MaxConnectionsZero_IsRefusedInOurWords");
    }

    [TestCaseSource(nameof(Refusals))]
    public void BadArgument_IsRefusedClearly_BeforeTheHostChanges(string[] arguments, string message)
    {
        Directory.CreateDirectory(Path.Combine(_lab.DirectorState, "a-directory"));
        var result = _lab.RunDirectorToExit(arguments.Select(a => a.Replace("{state}", _lab.DirectorState, StringComparison.Ordinal)));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1), result.Output + result.Error);
            Assert.That(result.Error, Does.Contain("forwarder run: ").And.Contain(message));
            Assert.That(result.Error, Does.Not.Contain("Unhandled exception").And.Not.Contain("   at "));
            Assert.That(result.Error, Does.Not.Contain("host: "), "nothing on the host was changed");
            Assert.That(File.Exists(HostState), Is.False, "no host changes recorded");
            Assert.That(NftTablePresent, Is.False, "no nftables table");
            Assert.That(File.Exists(_lab.Socket), Is.False, "no socket");
        });
    }

    [Test]
    public void SocketPathThatIsARegularFile_IsRefused_AndTheFileKept()
    {
        File.WriteAllText(_lab.Socket, string.Empty);
        try
        {
            var result = _lab.RunDirectorToExit([]);

            Assert.Multiple(() =>
            {
                Assert.That(result.ExitCode, Is.EqualTo(1), result.Output + result.Error);
                Assert.That(result.Error, Does.Contain(_lab.Socket).And.Contain("not a socket"));
                Assert.That(File.Exists(_lab.Socket), Is.True, "the file is not deleted");
                Assert.That(File.Exists(HostState), Is.False, "no host changes recorded");
            });
        }
        finally
        {
            File.Delete(_lab.Socket);
        }
    }

    [Test]
    public void CountersDirectoryRemovedWhileRunning_IsReportedOnce_RetriedAndForwardingGoesOn()
    {
        var directory = Path.Combine(_lab.DirectorState, "counters");
        Directory.CreateDirectory(directory);
        var counters = Path.Combine(directory, "counters");
        _lab.StartDirector(Rules, "--counters-file", counters);
        Assert.That(WaitFor(() => File.Exists(counters), TimeSpan.FromSeconds(5)), Is.True, "the counters file is written");

        Directory.Delete(directory, recursive: true);
        Thread.Sleep(3000);
        Assert.Multiple(() =>
        {
            Assert.That(_lab.DirectorRunning, Is.True, _lab.DirectorLog);
            Assert.That(_lab.Get(), Is.EqualTo("web1:192.168.139.254"), "the director still forwards");
            var reports = _lab.DirectorLog.Split('\n').Count(l => l.Contains("cannot write the counters file", StringComparison.Ordinal));
            Assert.That(reports, Is.EqualTo(1), "reported once: " + _lab.DirectorLog);
        });

        Directory.CreateDirectory(directory);
        Assert.That(WaitFor(() => File.Exists(counters), TimeSpan.FromSeconds(5)), Is.True, "retried once the directory is back");
        Assert.That(File.ReadAllText(counters), Does.Contain("frames-in "));
        Assert.That(_lab.DirectorLog, Does.Contain("counters file " + counters + " is written again"));
    }

    [Test]
    public void SaveOnExitFailing_IsReported_AndTheDirectorStillCleansUp()
    {
        _lab.In("director", "sysctl", "-qw", "net.ipv4.ip_forward=1");
        _lab.StartDirector(Rules, "--save-on-exit");
        Assert.That(IpForward, Is.EqualTo("0"), "run turned forwarding off");
        // The rules file becomes a directory while the director runs: the save at exit cannot be written.
        File.Delete(_lab.Rules);
        Directory.CreateDirectory(_lab.Rules);

        var status = _lab.StopDirector();

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(1), _lab.DirectorLog);
            Assert.That(_lab.DirectorLog, Does.Contain($"forwarder run: could not save the table to {_lab.Rules}"));
            Assert.That(_lab.DirectorLog, Does.Not.Contain("Unhandled exception"));
            Assert.That(File.Exists(_lab.Socket), Is.False, "the socket file is removed");
            Assert.That(File.Exists(HostState), Is.False, "the host changes are undone");
            Assert.That(NftTablePresent, Is.False);
            Assert.That(IpForward, Is.EqualTo("1"), "forwarding is back as it was");
        });
    }

    [Test]
    public void KilledDirector_HostChangesAreStillUndone()
    {
        _lab.In("director", "sysctl", "-qw", "net.ipv4.ip_forward=1");
        _lab.StartDirector(Rules);
        Assert.That(NftTablePresent, Is.True, "run prepared the host");

        _lab.StopDirector(kill: true);

        Assert.Multiple(() =>
        {
            Assert.That(WaitFor(() => !File.Exists(HostState), TimeSpan.FromSeconds(5)), Is.True, _lab.DirectorLog);
            Assert.That(NftTablePresent, Is.False);
            Assert.That(IpForward, Is.EqualTo("1"));
        });
    }

    [Test]
    public void Stop_StopsTheRunningDirector_AndUndoesTheHost()
    {
        _lab.StartDirector(Rules);

        var stopped = _lab.RunDirectorScript("stop");

        Assert.Multiple(() =>
        {
            Assert.That(stopped.ExitCode, Is.Zero, stopped.Error);
            Assert.That(stopped.Error, Does.Contain("stopped"));
            Assert.That(WaitFor(() => !_lab.DirectorRunning, TimeSpan.FromSeconds(5)), Is.True);
            Assert.That(File.Exists(HostState), Is.False);
            Assert.That(NftTablePresent, Is.False);
            Assert.That(File.Exists(Path.Combine(_lab.DirectorState, "director.pid")), Is.False);
        });
    }
}
