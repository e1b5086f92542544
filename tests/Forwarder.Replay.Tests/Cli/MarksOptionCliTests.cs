namespace Forwarder.Replay.Tests.Cli;

/// <summary>
/// <c>--marks FILE</c>: a line the director does not follow is a warning naming the file and line, and the replay
/// runs with the rest; a missing file is refused before anything is replayed.
/// </summary>
[TestFixture]
public sealed class MarksOptionCliTests
{
    private string _work = null!;
    private string _scenario = null!;

    [SetUp]
    public void CreateWorkDirectory()
    {
        _work = Directory.CreateTempSubdirectory("forwarder-marks-").FullName;
        _scenario = RepositoryPaths.Scenario("fwmark-persist");
    }

    [TearDown]
    public void RemoveWorkDirectory() => Directory.Delete(_work, recursive: true);

    private ReplayRun Replay(string marks) =>
        ReplayRun.Start(Path.Combine(_scenario, "rules"), Path.Combine(_scenario, "topology"),
            [("eth2", Path.Combine(_scenario, "eth2.pcap")), ("eth1", Path.Combine(_scenario, "eth1.pcap"))], counters: true, marks: marks);

    [Test]
    public void LinesNotFollowed_AreWarnedByLine_AndTheRestApplies()
    {
        var marks = Path.Combine(_work, "marks");
        File.WriteAllText(marks, File.ReadAllText(Path.Combine(_scenario, "marks")) + """
            *nat
            -A POSTROUTING -j MASQUERADE
            COMMIT
            *mangle
            -A PREROUTING -i eth9 -p tcp -m tcp --dport 22 -j MARK --set-mark 2
            -A PREROUTING -m conntrack --ctstate NEW -j MARK --set-mark 3
            COMMIT
            """);

        using var run = Replay(marks);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.Zero, run.StandardError);
            Assert.That(run.StandardError.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
            {
                $"forwarder replay: warning: --marks {marks}: line 10: table nat is not read: only *mangle's PREROUTING rules mark packets for the director",
                $"forwarder replay: warning: --marks {marks}: line 14: -i eth9: the director has no such interface (eth2, eth1)",
                $"forwarder replay: warning: --marks {marks}: line 15: match conntrack is not followed by the director; rule ignored",
            }));
            Assert.That(run.StandardOutput, Does.Contain("Forwarded 72\n"));
        });
    }

    [Test]
    public void WithoutMarks_TheFirewallMarkServiceGetsNothing()
    {
        using var run = ReplayRun.Start(Path.Combine(_scenario, "rules"), Path.Combine(_scenario, "topology"),
            [("eth2", Path.Combine(_scenario, "eth2.pcap"))], counters: true);

        Assert.That(run.ExitCode, Is.Zero, run.StandardError);
        Assert.That(run.StandardOutput, Does.Not.Contain("Forwarded"));
    }

    [Test]
    public void MissingMarksFile_IsRefused()
    {
        using var run = Replay(Path.Combine(_work, "absent"));

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.StandardError, Is.EqualTo($"forwarder replay: --marks {Path.Combine(_work, "absent")}: no such file{Environment.NewLine}"));
    }
}
