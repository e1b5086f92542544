using Forwarder.Conformance.Scenarios;

namespace Forwarder.Conformance;

/// <summary>Every scenario in Cases/ (copied beside the tests), in name order; Cases/inputs holds -R inputs.</summary>
public static class ScenarioCatalog
{
    public static string CasesDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "Cases");

    public static string InputsDirectory { get; } = Path.Combine(CasesDirectory, "inputs");

    public static IReadOnlyList<Scenario> All { get; } = Directory
        .EnumerateFiles(CasesDirectory, "*.scenario", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .Select(path => ScenarioParser.Parse(Path.GetRelativePath(CasesDirectory, path), File.ReadAllText(path)))
        .ToList();
}
