using Forwarder.Keepalived.Checkers;

namespace Forwarder.Keepalived.Supervision;

/// <summary>One checker's standing, as keepalived's checker_t keeps it.</summary>
internal sealed class CheckerState
{
    public CheckerState(IHealthCheck check, RealServerState realServer)
    {
        Check = check;
        RealServer = realServer;
    }

    public IHealthCheck Check { get; }

    public RealServerState RealServer { get; }

    /// <summary>keepalived's is_up: the checker's own verdict (the server is alive when none of its checkers is down).</summary>
    public bool IsUp { get; set; } = true;

    public bool HasRun { get; set; }

    /// <summary>Failed attempts since the last pass, while still up (keepalived's retry_it).</summary>
    public int RetryCount { get; set; }

    /// <summary>What this checker adds to the real server's weight (misc_dynamic's cur_weight); changed only under its virtual server's lock.</summary>
    public long WeightShare { get; set; }

    /// <summary>The script's last exit status, so that an unchanged one does not edit the weight again.</summary>
    public int? LastExitStatus { get; set; }
}
