using Forwarder.Conformance.Scenarios;

namespace Forwarder.Conformance;

/// <summary>The suite keeps the breadth the conformance issue asks of it.</summary>
public sealed class SuiteCoverageTests
{
    [SetUp]
    public void WholeSuiteOnly()
    {
        if (Environment.GetEnvironmentVariable("FORWARDER_CONFORMANCE_ONLY") is { Length: > 0 } only)
        {
            Assert.Ignore($"FORWARDER_CONFORMANCE_ONLY={only} runs part of the suite");
        }
    }

    [Test]
    public void Suite_ComparesAtLeast150IpvsadmCommands()
    {
        var commands = ScenarioCatalog.All.SelectMany(s => s.Steps).Count(step => step is IpvsadmStep);
        Assert.That(commands, Is.GreaterThanOrEqualTo(150));
    }

    [Test]
    public void Suite_HasAtLeast30SchedulingScenarios()
    {
        var scheduling = ScenarioCatalog.All.Count(s => s.Steps.Any(step => step is PacketStep));
        Assert.That(scheduling, Is.GreaterThanOrEqualTo(30));
    }

    [Test]
    public void Suite_CoversEveryScheduler()
    {
        var used = ScenarioCatalog.All.SelectMany(s => s.Steps).OfType<IpvsadmStep>()
            .SelectMany(step => step.Arguments.Zip(step.Arguments.Skip(1)))
            .Where(pair => pair.First is "-s" or "--scheduler")
            .Select(pair => pair.Second)
            .ToHashSet();
        Assert.That(used, Is.SupersetOf(new[] { "rr", "wrr", "lc", "wlc", "sed", "nq", "lblc", "lblcr", "dh", "sh", "fo", "ovf", "mh" }));
    }

    [Test]
    public void Suite_SchedulesIpv6Packets_UnderTheSchedulersThatHashAddresses()
    {
        var used = SchedulersOf(ScenarioCatalog.All.Where(s => s.Steps.OfType<PacketStep>().Any(p => p.Source.Contains(':', StringComparison.Ordinal))));
        Assert.That(used, Is.SupersetOf(new[] { "rr", "wrr", "sh", "dh", "mh", "lblc", "lblcr" }));
    }

    [Test]
    public void Suite_SchedulesMarkedPackets_OfBothFamilies()
    {
        var marked = ScenarioCatalog.All.Where(s => s.Steps.Any(step => step is MarkRulesStep) && s.Steps.Any(step => step is PacketStep)).ToList();
        Assert.That(SchedulersOf(marked), Is.SupersetOf(new[] { "rr", "wrr", "sh", "dh" }));
        Assert.That(marked.SelectMany(s => s.Steps).OfType<MarkRulesStep>().Select(step => step.Ipv6).Distinct().Count(), Is.EqualTo(2));
    }

    /// <summary>The schedulers a scenario's commands name, those of its -R inputs included.</summary>
    private static HashSet<string> SchedulersOf(IEnumerable<Scenario> scenarios) => scenarios
        .SelectMany(s => s.Steps).OfType<IpvsadmStep>()
        .SelectMany(step => step.StandardInputFile is { } input
            ? File.ReadLines(Path.Combine(ScenarioCatalog.InputsDirectory, input)).Select(line => (IReadOnlyList<string>)ScenarioParser.Words(line))
            : [step.Arguments])
        .SelectMany(words => words.Zip(words.Skip(1)))
        .Where(pair => pair.First is "-s" or "--scheduler")
        .Select(pair => pair.Second)
        .ToHashSet();
}
