namespace Forwarder.Replay.Tests.Cli;

/// <summary>Bad input to the replay gets a clear message and a non-zero exit, never a crash.</summary>
[TestFixture]
public sealed class ReplayErrorTests
{
    private string _work = null!;
    private string _seed = null!;

    [SetUp]
    public void CreateWorkDirectory()
    {
        _work = Directory.CreateTempSubdirectory("forwarder-replay-errors-").FullName;
        _seed = RepositoryPaths.Scenario("seed-nat-rr");
    }

    [TearDown]
    public void RemoveWorkDirectory() => Directory.Delete(_work, recursive: true);

    private ReplayRun Replay(string? rules = null, string? topology = null, string? eth2 = null) =>
        ReplayRun.Start(rules ?? Path.Combine(_seed, "rules"), topology ?? Path.Combine(_seed, "topology"),
            [("eth2", eth2 ?? Path.Combine(_seed, "eth2.pcap"))]);

    [Test]
    public void TruncatedCapture_IsReportedWithTheFrameNumber()
    {
        var bytes = File.ReadAllBytes(Path.Combine(_seed, "eth2.pcap"));
        // Cut the file in the middle of the fourth record: header 24 bytes, then 16-byte record headers.
        var offset = 24;
        for (var record = 0; record < 3; record++)
        {
            offset += 16 + BitConverter.ToInt32(bytes, offset + 8);
        }
        var truncated = Path.Combine(_work, "truncated.pcap");
        File.WriteAllBytes(truncated, bytes[..(offset + 16 + 10)]);

        using var run = Replay(eth2: truncated);
        Assert.That(run.ExitCode, Is.Not.Zero);
        Assert.That(run.StandardError, Does.Contain("truncated.pcap").And.Contain("frame 4"));
    }

    [Test]
    public void CaptureWithACorruptHeader_IsRefusedClearly()
    {
        var corrupt = Path.Combine(_work, "corrupt.pcap");
        File.WriteAllBytes(corrupt, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
        using var run = Replay(eth2: corrupt);
        Assert.That(run.ExitCode, Is.Not.Zero);
        Assert.That(run.StandardError, Does.Contain("corrupt.pcap").And.Contain("not a readable capture"));
    }

    [Test]
    public void MaxConnectionsZero_IsRefusedInTheSameWordsAsRun()
    {
        using var run = ReplayRun.Start(Path.Combine(_seed, "rules"), Path.Combine(_seed, "topology"), [("eth2", Path.Combine(_seed, "eth2.pcap"))], maxConnections: 0);
        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.StandardError, Is.EqualTo("forwarder replay: --max-connections must be at least 1, got 0\n"));
    }

    [Test]
    public void MissingCapture_IsNamed()
    {
        using var run = Replay(eth2: Path.Combine(_work, "absent.pcap"));
        Assert.That(run.ExitCode, Is.Not.Zero);
        Assert.That(run.StandardError, Does.Contain("absent.pcap: no such file"));
    }

    [Test]
    public void BadRulesLine_IsReportedWithItsNumberAndReason()
    {
        var rules = Path.Combine(_work, "rules");
        File.WriteAllLines(rules, ["-A -t 192.168.1.199:80 -s rr", "", "-a -t 192.168.1.199:80 -r 192.168.139.300:80 -m"]);
        using var run = Replay(rules: rules);
        Assert.That(run.ExitCode, Is.Not.Zero);
        Assert.That(run.StandardError, Does.Contain("line 3: illegal real server address[:port] specified"));
    }

    [Test]
    public void UnknownScheduler_IsRefusedInIpvsadmsWords()
    {
        var rules = Path.Combine(_work, "rules");
        File.WriteAllLines(rules, ["-A -t 192.168.1.199:80 -s nosuch"]);
        using var run = Replay(rules: rules);
        Assert.That(run.ExitCode, Is.Not.Zero);
        Assert.That(run.StandardError, Does.Contain("line 1: Scheduler or persistence engine not found"));
    }

    [Test]
    public void BadTopologyLine_IsReportedWithItsNumber()
    {
        var topology = Path.Combine(_work, "topology");
        File.WriteAllLines(topology, ["interface eth2 02:00:00:00:01:71 192.168.1.113/24 public", "# a comment", "interface eth1 zz:00:00:00:8b:8e 192.168.139.142/24 private"]);
        using var run = Replay(topology: topology);
        Assert.That(run.ExitCode, Is.Not.Zero);
        Assert.That(run.StandardError, Does.Contain("line 3: bad MAC address 'zz:00:00:00:8b:8e'"));
    }

    [Test]
    public void InputOnAnInterfaceTheTopologyLacks_IsRefused()
    {
        using var run = ReplayRun.Start(Path.Combine(_seed, "rules"), Path.Combine(_seed, "topology"), [("eth9", Path.Combine(_seed, "eth2.pcap"))]);
        Assert.That(run.ExitCode, Is.Not.Zero);
        Assert.That(run.StandardError, Does.Contain("eth9"));
    }
}
