namespace Forwarder.Replay.Tests.Scenarios;

/// <summary>Every folder of captures/ with a <c>scenario</c> file, replayed and compared with what it expects.</summary>
[TestFixture]
public sealed class GoldenScenarioTests
{
    public static IEnumerable<string> Scenarios => ScenarioManifest.All();

    [TestCaseSource(nameof(Scenarios))]
    public void Scenario_OutputMatchesItsExpectedTrace(string name)
    {
        var scenario = ScenarioManifest.Load(name);
        using var run = ReplayRun.Start(Path.Combine(scenario.Directory, "rules"), Path.Combine(scenario.Directory, "topology"),
            scenario.Inputs, list: scenario.ExpectedList is not null, listConnections: scenario.ExpectedConnectionList is not null,
            counters: scenario.ExpectedCounters is not null, maxConnections: scenario.MaxConnections, marks: scenario.Marks);
        Assert.That(run.ExitCode, Is.Zero, run.StandardError);

        foreach (var check in scenario.TcpdumpChecks)
        {
            var lines = Tcpdump.Read(run.OutputCapture(check.Interface), check.Filter, [.. check.Options]);
            Assert.That(lines, Is.EqualTo(File.ReadAllLines(check.Expected)),
                $"tcpdump {string.Join(' ', check.Options)} of {check.Interface} with '{check.Filter}'");
        }
        var printed = run.StandardOutput;
        // The replay prints the table, then the connections, then the counters.
        foreach (var expected in new[] { scenario.ExpectedList, scenario.ExpectedConnectionList, scenario.ExpectedCounters }.OfType<string>())
        {
            var text = File.ReadAllText(expected);
            Assert.That(printed, Does.StartWith(text), $"listing {Path.GetFileName(expected)}");
            printed = printed[text.Length..];
        }
    }

    [TestCaseSource(nameof(Scenarios))]
    public void Scenario_ReplayedTwice_GivesByteIdenticalCaptures(string name)
    {
        var scenario = ScenarioManifest.Load(name);
        using var first = ReplayRun.Start(Path.Combine(scenario.Directory, "rules"), Path.Combine(scenario.Directory, "topology"), scenario.Inputs, maxConnections: scenario.MaxConnections, marks: scenario.Marks);
        using var second = ReplayRun.Start(Path.Combine(scenario.Directory, "rules"), Path.Combine(scenario.Directory, "topology"), scenario.Inputs, maxConnections: scenario.MaxConnections, marks: scenario.Marks);
        var files = Directory.GetFiles(first.OutputDirectory).Select(Path.GetFileName).Order().ToList();
        Assert.That(files, Is.Not.Empty);
        Assert.That(Directory.GetFiles(second.OutputDirectory).Select(Path.GetFileName).Order(), Is.EqualTo(files));
        foreach (var file in files)
        {
            Assert.That(File.ReadAllBytes(Path.Combine(second.OutputDirectory, file!)),
                Is.EqualTo(File.ReadAllBytes(Path.Combine(first.OutputDirectory, file!))), file);
        }
    }
}
