namespace Forwarder.Replay.Tests.Scenarios;

/// <summary>
/// A golden scenario's <c>scenario</c> file: its inputs (<c>in IF CAPTURE</c>), the replay's table bound
/// (<c>max-connections N</c>), its marks file for firewall-mark services (<c>marks FILE</c>) and what its output must show (<c>tcpdump IF EXPECTED [-OPTION...] FILTER...</c>,
/// <c>list EXPECTED</c>, <c>list-conn EXPECTED</c>, <c>counters EXPECTED</c>).
/// </summary>
public sealed record ScenarioManifest(
    string Name,
    string Directory,
    IReadOnlyList<(string Interface, string Capture)> Inputs,
    IReadOnlyList<TcpdumpCheck> TcpdumpChecks,
    string? ExpectedList,
    string? ExpectedConnectionList,
    string? ExpectedCounters,
    int? MaxConnections,
    string? Marks = null)
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
        var checks = new List<TcpdumpCheck>();
        string? list = null, listConnections = null, counters = null;
        int? maxConnections = null;
        string? marks = null;
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
                    // Words starting with '-' right after the expected file are tcpdump options (-e, -v), the rest the filter.
                    var options = words.Skip(3).TakeWhile(w => w.StartsWith('-')).ToList();
                    checks.Add(new TcpdumpCheck(words[1], Path.Combine(directory, words[2]), options, string.Join(' ', words.Skip(3 + options.Count))));
                    break;
                case "list":
                    list = Path.Combine(directory, words[1]);
                    break;
                case "list-conn":
                    listConnections = Path.Combine(directory, words[1]);
                    break;
                case "counters":
                    counters = Path.Combine(directory, words[1]);
                    break;
                case "marks":
                    marks = Path.Combine(directory, words[1]);
                    break;
                case "max-connections":
                    maxConnections = int.Parse(words[1], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                default:
                    throw new FormatException($"{name}/scenario: unknown line '{line}'");
            }
        }
        return new ScenarioManifest(name, directory, inputs, checks, list, listConnections, counters, maxConnections, marks);
    }
}
