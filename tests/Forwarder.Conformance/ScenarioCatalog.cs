using Forwarder.Conformance.Scenarios;

namespace Forwarder.Conformance;

/// <summary>Every scenario in Cases/ (copied beside the tests), in name order; Cases/inputs holds -R inputs.</summary>
public static class ScenarioCatalog
{
    public static string CasesDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "Cases");

    public static string InputsDirectory { get; } = Path.Combine(CasesDirectory, "inputs");

    /// <summary>FORWARDER_CONFORMANCE_ONLY, a regular expression, keeps only the scenarios whose names match (for a quick run).</summary>
    public static IReadOnlyList<Scenario> All { get; } = Directory
        .EnumerateFiles(CasesDirectory, "*.scenario", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .Where(path => Environment.GetEnvironmentVariable("FORWARDER_CONFORMANCE_ONLY") is not { Length: > 0 } only ||
                       System.Text.RegularExpressions.Regex.IsMatch(Path.GetRelativePath(CasesDirectory, path), only))
        .Select(path => ScenarioParser.Parse(Path.GetRelativePath(CasesDirectory, path), File.ReadAllText(path)))
        .ToList();
}
