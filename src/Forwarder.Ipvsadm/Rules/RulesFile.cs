using Forwarder.Core;
using Forwarder.Ipvsadm.Grammar;

namespace Forwarder.Ipvsadm.Rules;

/// <summary>
/// Reads rules in the format <c>ipvsadm -S</c> writes and <c>ipvsadm -R</c> reads: one ipvsadm command
/// line per line without the program name (<c>-A -t 192.168.1.199:http -s rr</c>). Blank lines and
/// '#' comments are skipped. Every line is checked before any is returned, so a bad line loads nothing.
/// </summary>
public static class RulesFile
{
    private static readonly HashSet<IpvsadmCommandKind> TableCommands =
    [
        IpvsadmCommandKind.AddService, IpvsadmCommandKind.EditService, IpvsadmCommandKind.DeleteService,
        IpvsadmCommandKind.Clear, IpvsadmCommandKind.AddServer, IpvsadmCommandKind.EditServer,
        IpvsadmCommandKind.DeleteServer, IpvsadmCommandKind.SetTimeouts, IpvsadmCommandKind.Zero,
    ];

    /// <summary>Whether a command edits the table (and so may stand in a rules file): -A -E -D -C -a -e -d --set -Z.</summary>
    public static bool EditsTheTable(IpvsadmCommandKind kind) => TableCommands.Contains(kind);

    public static IReadOnlyList<RuleLine> Parse(string text, IpvsadmParser? parser = null)
    {
        parser ??= new IpvsadmParser();
        var lines = new List<RuleLine>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            // Accept a rules file written as shell commands too: "ipvsadm -A ..." or "/sbin/ipvsadm -A ...".
            if (words[0] == "ipvsadm" || words[0].EndsWith("/ipvsadm", StringComparison.Ordinal))
            {
                words = words[1..];
            }
            IpvsadmCommand command;
            try
            {
                command = parser.Parse(words);
            }
            catch (IpvsadmUsageException refused)
            {
                throw new LineFormatException(lineNumber, refused.Message);
            }
            if (!EditsTheTable(command.Kind))
            {
                throw new LineFormatException(lineNumber, $"'{EchoedText.Of(words[0])}' does not edit the table and has no place in a rules file");
            }
            lines.Add(new RuleLine(lineNumber, command));
        }
        return lines;
    }
}
