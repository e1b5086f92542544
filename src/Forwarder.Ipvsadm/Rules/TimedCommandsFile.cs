using Forwarder.Core;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Grammar;

namespace Forwarder.Ipvsadm.Rules;

/// <summary>
/// Reads a replay's commands file: <c>SECONDS ipvsadm-arguments…</c> per line, words split as <c>ipvsadm -R</c>
/// splits its lines ('#' comments and blank lines skipped, the word "ipvsadm" dropped). Only commands that edit
/// the table are taken (<c>-A -E -D -C -a -e -d --set -Z</c>). Every line is checked before any is returned,
/// so a bad line refuses the whole file, and the commands come back in the order they are to run: by time,
/// and at equal times in the file's order.
/// </summary>
public static class TimedCommandsFile
{
    public static IReadOnlyList<TimedCommand> Parse(string text, IpvsadmParser? parser = null)
    {
        parser ??= new IpvsadmParser();
        var commands = new List<TimedCommand>();
        foreach (var (lineNumber, words) in RestoreInput.Lines(text))
        {
            if (!CommandTime.TryParse(words[0], out var offset, out var reason))
            {
                throw new LineFormatException(lineNumber, reason);
            }
            var arguments = words[1..];
            if (arguments.Length == 0)
            {
                throw new LineFormatException(lineNumber, $"no ipvsadm command after the time {EchoedText.Of(words[0])}");
            }
            IpvsadmCommand command;
            try
            {
                command = parser.Parse(arguments);
            }
            catch (IpvsadmUsageException refused)
            {
                throw new LineFormatException(lineNumber, refused.Message);
            }
            if (!RulesFile.EditsTheTable(command.Kind))
            {
                throw new LineFormatException(lineNumber, $"'{EchoedText.Of(arguments[0])}' does not edit the table and has no place in a commands file");
            }
            commands.Add(new TimedCommand(lineNumber, offset, arguments));
        }
        // OrderBy is stable: commands due at the same moment keep the file's order.
        return commands.OrderBy(c => c.OffsetMicroseconds).ToList();
    }
}
