using Forwarder.Core;
using Forwarder.Core.Marking;
using Forwarder.Core.Topology;

namespace Forwarder.Commands;

/// <summary>
/// <c>--marks FILE</c> of run and replay: the iptables-save (and ip6tables-save) mangle rules whose marks
/// firewall-mark services are found by, compiled for the director's interfaces. A missing file is refused; a line the
/// director does not follow is reported as a warning with its line number and left out, never a failure.
/// </summary>
public static class MarksOption
{
    public static MarkRuleSet Load(string path, DirectorTopology topology, Action<string> warn)
    {
        if (Directory.Exists(path))
        {
            throw new ArgumentException($"--marks {EchoedText.Of(path)}: is a directory, not a marks file");
        }
        if (!File.Exists(path))
        {
            throw new ArgumentException($"--marks {EchoedText.Of(path)}: no such file");
        }
        var parsed = MarksFileParser.Parse(File.ReadAllText(path));
        var problems = new List<MarksProblem>(parsed.Problems);
        var marks = MarkRuleSet.Compile(parsed.Rules, topology.Interfaces.Select(i => i.Name).ToList(), problems);
        foreach (var problem in problems.OrderBy(p => p.LineNumber))
        {
            warn($"--marks {EchoedText.Of(path)}: {problem}");
        }
        return marks;
    }
}
