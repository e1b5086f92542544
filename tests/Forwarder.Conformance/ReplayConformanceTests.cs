using Forwarder.Capture.Replay;
using Forwarder.Conformance.Comparison;
using Forwarder.Conformance.Director;
using Forwarder.Conformance.Kernel;
using Forwarder.Conformance.Scenarios;
using Forwarder.Replay;

namespace Forwarder.Conformance;

/// <summary>
/// The same timelines through <c>forwarder replay</c>'s path: the scenario's packets as pcap files, its
/// edits as a <c>--commands</c> file, and at the end the replay's <c>-Lnc</c> and <c>-Ln</c> must be the
/// kernel's last ones.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ReplayConformanceTests
{
    public static IEnumerable<TestCaseData> Scenarios() => ScenarioCatalog.All
        .Select((scenario, index) => (scenario, index))
        .Where(p => ReplayTimeline.Fits(p.scenario))
        .Select(p => new TestCaseData(p.index).SetName($"Replay_{p.scenario.Name.Replace('/', '_')}"));

    [TestCaseSource(nameof(Scenarios))]
    public void Replay_EndsWhereTheKernelEnds(int index)
    {
        var kernel = KernelConformanceTests.Kernel();
        var scenario = ScenarioCatalog.All[index];
        var directory = Directory.CreateTempSubdirectory("forwarder-replay-conformance-").FullName;
        try
        {
            var commands = ReplayTimeline.Write(scenario, directory);
            var replay = DirectorReplay.Build(GuestTopology.ForwarderTopology(), "");
            var marks = new ScenarioMarks(replay.Engine.Topology.Interfaces.Select(i => i.Name).ToList());
            foreach (var restore in scenario.Steps.OfType<MarkRulesStep>())
            {
                replay.Engine.Services.FirewallMarks = marks.Restore(restore, ScenarioCatalog.InputsDirectory);
            }
            replay.Run(
                [new ReplayInput(ReplayTimeline.PublicInterface, Path.Combine(directory, ReplayTimeline.PublicInterface + ".pcap")),
                 new ReplayInput(ReplayTimeline.PrivateInterface, Path.Combine(directory, ReplayTimeline.PrivateInterface + ".pcap"))],
                Path.Combine(directory, "out"), replay.ParseCommands(commands));

            var differences = new List<string>();
            var lastConnections = LastIndex(scenario, s => s is ConnectionsStep);
            if (lastConnections >= 0 && kernel.Step(index, lastConnections) is { } kernelConnections)
            {
                differences.AddRange(ConnectionEntries.Differences(kernelConnections.StandardOutput, replay.ListConnections()));
            }
            var lastTable = LastIndex(scenario, s => s is IpvsadmStep step && ReplayTimeline.IsTableListing(step));
            if (lastTable > lastConnections && kernel.Step(index, lastTable) is { } kernelTable &&
                kernelTable.StandardOutput != replay.ListTable())
            {
                differences.Add($"-Ln at the end differs:\n--- kernel\n{kernelTable.StandardOutput}--- replay\n{replay.ListTable()}");
            }
            if (differences.Count > 0)
            {
                Assert.Fail($"{scenario.Name}:\n" + string.Join("\n", differences));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static int LastIndex(Scenario scenario, Func<ScenarioStep, bool> predicate)
    {
        for (var k = scenario.Steps.Count - 1; k >= 0; k--)
        {
            if (predicate(scenario.Steps[k]))
            {
                return k;
            }
        }
        return -1;
    }
}
