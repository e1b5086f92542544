namespace Forwarder.Replay.Tests.Scenarios;

/// <summary>
/// A golden scenario's <c>scenario</c> file: its inputs (<c>in IF CAPTURE</c>) and what its output must
/// show (<c>tcpdump IF EXPECTED FILTER...</c>, <c>list EXPECTED</c>, <c>list-conn EXPECTED</c>).
/// </summary>
public sealed record ScenarioManifest(
    string Name,
    string Directory,
    IReadOnlyList<(string Interface, string Capture)> Inputs,
    IReadOnlyList<(string Interface, string Expected, string Filter)> TcpdumpChecks,
    string? ExpectedList,
    string? ExpectedConnectionList)
{
    public static IEnumerable<string> All() =>
        System.IO.Directory.GetDirectories(RepositoryPaths.Captures)
            .Where(d => File.Exists(Path.Combine(d, "scenario")))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal);

    public static ScenarioManifest Load(string name)
    {
        var directory = RepositoryPaths.Scenario(name);
        var inputs = new List<(string, string)>();
        var checks = new List<(string, string, string)>();
        string? list = null, listConnections = null;
        foreach (var line in File.ReadAllLines(Path.Combine(directory, "scenario")))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0 || words[0].StartsWith('#'))
            {
                continue;
            }
            switch (words[0])
            {
                case "in":
                    inputs.Add((words[1], Path.Combine(directory, words[2])));
                    break;
                case "tcpdump":
                    checks.Add((words[1], Path.Combine(directory, words[2]), string.Join(' ', words.Skip(3))));
                    break;
                case "list":
                    list = Path.Combine(directory, words[1]);
                    break;
                case "list-conn":
                    listConnections = Path.Combine(directory, words[1]);
                    break;
                default:
                    throw new FormatException($"{name}/scenario: unknown line '{line}'");
            }
        }
        return new ScenarioManifest(name, directory, inputs, checks, list, listConnections);
    }
}
