namespace Forwarder.Keepalived.Configuration;

/// <summary>Where a line of keepalived's configuration stands: its file (as named, includes resolved) and line.</summary>
public readonly record struct ConfigPosition(string File, int Line)
{
    /// <summary>keepalived's own prefix for a report about a line of a configuration made of several files.</summary>
    public override string ToString() => $"({File}: Line {Line})";
}
