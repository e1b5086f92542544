using Forwarder.Core.Topology;

namespace Forwarder.Replay.Tests.Cli;

/// <summary>The topology's warnings reach stderr as <c>forwarder replay: FILE: warning: line N: ...</c>; the replay still runs.</summary>
[TestFixture]
public sealed class TopologyWarningCliTests
{
    private string _work = null!;
    private string _seed = null!;

    [SetUp]
    public void CreateWorkDirectory()
    {
        _work = Directory.CreateTempSubdirectory("forwarder-topology-warnings-").FullName;
        _seed = RepositoryPaths.Scenario("seed-nat-rr");
    }

    [TearDown]
    public void RemoveWorkDirectory() => Directory.Delete(_work, recursive: true);

    [Test]
    public void MasqueradeEverything_IsWarnedOnStandardErrorAndTheReplayRuns()
    {
        var seedTopology = File.ReadAllText(Path.Combine(_seed, "topology"));
        var topology = Path.Combine(_work, "topology");
        File.WriteAllText(topology, seedTopology.TrimEnd('\n') + "\nmasquerade 0.0.0.0/0\n");
        var line = seedTopology.TrimEnd('\n').Split('\n').Length + 1;

        using var run = ReplayRun.Start(Path.Combine(_seed, "rules"), topology, [("eth2", Path.Combine(_seed, "eth2.pcap"))]);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.Zero);
            Assert.That(run.StandardError, Is.EqualTo(
                $"forwarder replay: {topology}: warning: line {line}: masquerade 0.0.0.0/0 takes every source address, the clients' too{Environment.NewLine}"));
            Assert.That(File.Exists(run.OutputCapture("eth1")), Is.True);
        });
    }

    [Test]
    public void RefusedTopologyLine_IsAnErrorWithItsLine()
    {
        var topology = Path.Combine(_work, "topology");
        File.WriteAllText(topology, File.ReadAllText(Path.Combine(_seed, "topology")).TrimEnd('\n') + "\nneighbor 192.168.1.113 02:00:00:00:00:01 eth2\n");

        using var run = ReplayRun.Start(Path.Combine(_seed, "rules"), topology, [("eth2", Path.Combine(_seed, "eth2.pcap"))]);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(1));
            Assert.That(run.StandardError, Does.StartWith($"forwarder replay: {topology}: line ").And.EndWith(
                $": neighbor 192.168.1.113 is the director's own address (on eth2){Environment.NewLine}"));
        });
    }

    [Test]
    public void EveryScenarioTopology_IsTakenWithoutWarnings()
    {
        var topologies = Directory.GetDirectories(RepositoryPaths.Captures).Select(d => Path.Combine(d, "topology")).Where(File.Exists).ToList();

        Assert.That(topologies, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var path in topologies)
            {
                Assert.That(TopologyParser.ParseWithWarnings(File.ReadAllText(path)).Warnings, Is.Empty, path);
            }
        });
    }
}
