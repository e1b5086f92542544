namespace Forwarder.Keepalived.Configuration;

/// <summary>A script keepalived runs (notify_up, quorum_down, misc_path): the program and its arguments, run without a shell.</summary>
public sealed record ScriptCommand(IReadOnlyList<string> Words)
{
    public string Program => Words[0];

    public override string ToString() => string.Join(' ', Words);
}
