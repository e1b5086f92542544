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
}
