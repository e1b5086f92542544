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
            scenario.Inputs, list: scenario.ExpectedList is not null, listConnections: scenario.ExpectedConnectionList is not null);
        Assert.That(run.ExitCode, Is.Zero, run.StandardError);

        foreach (var (outputInterface, expected, filter) in scenario.TcpdumpChecks)
        {
            var lines = Tcpdump.Read(run.OutputCapture(outputInterface), filter);
            Assert.That(lines, Is.EqualTo(File.ReadAllLines(expected)), $"tcpdump of {outputInterface} with '{filter}'");
        }
        var printed = run.StandardOutput;
        foreach (var expected in new[] { scenario.ExpectedList, scenario.ExpectedConnectionList }.OfType<string>())
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
        using var first = ReplayRun.Start(Path.Combine(scenario.Directory, "rules"), Path.Combine(scenario.Directory, "topology"), scenario.Inputs);
        using var second = ReplayRun.Start(Path.Combine(scenario.Directory, "rules"), Path.Combine(scenario.Directory, "topology"), scenario.Inputs);
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
