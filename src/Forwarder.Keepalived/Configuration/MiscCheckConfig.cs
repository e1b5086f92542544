namespace Forwarder.Keepalived.Configuration;

/// <summary>MISC_CHECK: a script's exit status says whether the server is up (and with misc_dynamic, its weight).</summary>
public sealed class MiscCheckConfig : CheckerConfig
{
    public override string Kind => "MISC_CHECK";

    public ScriptCommand? Script { get; set; }

    /// <summary><c>misc_timeout</c>; null: the virtual server's delay_loop, as keepalived.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary><c>misc_dynamic</c>: exit 0 up, 1 down, 2-255 up with weight status - 2.</summary>
    public bool Dynamic { get; set; }

    internal override int DefaultRetry => 0;

    internal override TimeSpan? DefaultDelayBeforeRetry => TimeSpan.FromSeconds(1);
}
