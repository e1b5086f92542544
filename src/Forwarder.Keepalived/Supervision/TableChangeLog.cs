using Forwarder.Core;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Keepalived.Supervision;

/// <summary>
/// Logs every change the director's table takes, with its origin: a line per applied ipvsadm edit, a warning per
/// refused one. It wraps the way commands are submitted (off the engine's thread: the line is written once the
/// command's answer is back), so the data path pays nothing. Listings and other reads are not logged.
/// </summary>
public sealed class TableChangeLog
{
    /// <summary>The commands that edit the table, as ipvsadm reads them: the command is the first option.</summary>
    private static readonly HashSet<string> Edits =
    [
        "-A", "--add-service", "-E", "--edit-service", "-D", "--delete-service", "-C", "--clear",
        "-a", "--add-server", "-e", "--edit-server", "-d", "--delete-server", "--set", "-Z", "--zero",
        "-R", "--restore",
    ];

    private readonly DirectorLog _log;

    public TableChangeLog(DirectorLog log)
    {
        _log = log;
    }

    /// <summary>
    /// <paramref name="submit"/>, logging what it changed as coming from <paramref name="origin"/>. Refusals the caller
    /// expects (<paramref name="benign"/>: a checker adding what is there already) are logged only in verbose mode.
    /// </summary>
    public Func<IpvsadmInvocation, CancellationToken, Task<IpvsadmResult>> Logged(
        Func<IpvsadmInvocation, CancellationToken, Task<IpvsadmResult>> submit, string origin, Func<IpvsadmInvocation, IpvsadmResult, bool>? benign = null) =>
        async (invocation, cancellationToken) =>
        {
            // The submission happens before the first await, so commands keep the order they were submitted in.
            var result = await submit(invocation, cancellationToken).ConfigureAwait(false);
            Log(invocation, result, origin, benign);
            return result;
        };

    /// <summary>The lines of a rules file the director started with, each as an applied change.</summary>
    public void RulesFileApplied(string path, string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length > 0 && line[0] != '#')
            {
                _log.Info($"ipvsadm {Echo(line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))} (origin: {TableChangeOrigin.RulesFile} {path})");
            }
        }
    }

    private void Log(IpvsadmInvocation invocation, IpvsadmResult result, string origin, Func<IpvsadmInvocation, IpvsadmResult, bool>? benign)
    {
        var arguments = invocation.Arguments;
        if (arguments.Count == 0 || !Edits.Contains(arguments[0]) || ReferenceEquals(result, EngineCommandQueue.ShuttingDown))
        {
            return;
        }
        var command = arguments[0] is "-R" or "--restore"
            ? $"ipvsadm {arguments[0]} ({CountRules(invocation.StandardInput)} rule line(s))"
            : $"ipvsadm {Echo(arguments)}";
        if (result.ExitCode == IpvsadmExitCodes.Success)
        {
            _log.Info($"{command} (origin: {origin})");
            return;
        }
        var why = result.StandardError.Trim().Replace('\n', ' ');
        _log.Write(benign?.Invoke(invocation, result) == true ? LogSeverity.Debug : LogSeverity.Warning,
            $"{command} refused (origin: {origin}): {why}");
    }

    private static int CountRules(string text) =>
        text.Split('\n').Count(line => line.Trim() is { Length: > 0 } kept && kept[0] != '#');

    private static string Echo(IEnumerable<string> words) => string.Join(' ', words.Select(EchoedText.Of));
}
