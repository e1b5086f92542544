namespace Forwarder.Conformance.Scenarios;

/// <summary>A named sequence of steps, run from a fresh table on both sides.</summary>
public sealed record Scenario(string Name, string Description, IReadOnlyList<ScenarioStep> Steps)
{
    public override string ToString() => Name;
}
