namespace Forwarder.Keepalived.Supervision;

/// <summary>
/// The director's event log on stderr: one line per event, led by its severity as journald reads it
/// (<c>&lt;6&gt;forwarder: Removing service ...</c>), written whole under a lock so that lines from checkers, the
/// control socket and the startup never interleave.
/// </summary>
public sealed class DirectorLog
{
    private readonly TextWriter _writer;
    private readonly object _gate = new();

    public DirectorLog(TextWriter writer)
    {
        _writer = writer;
    }

    /// <summary>Debug lines are written only when asked for (benign refusals, every check's success).</summary>
    public bool Verbose { get; init; }

    public void Info(string text) => Write(LogSeverity.Info, text);

    public void Notice(string text) => Write(LogSeverity.Notice, text);

    public void Warning(string text) => Write(LogSeverity.Warning, text);

    public void Error(string text) => Write(LogSeverity.Error, text);

    public void Debug(string text) => Write(LogSeverity.Debug, text);

    public void Write(LogSeverity severity, string text)
    {
        if (severity == LogSeverity.Debug && !Verbose)
        {
            return;
        }
        // One event, one line: a message never carries a line break into the journal.
        var line = $"<{(int)severity}>forwarder: {text.Replace('\n', ' ').Replace('\r', ' ')}";
        lock (_gate)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }
}
