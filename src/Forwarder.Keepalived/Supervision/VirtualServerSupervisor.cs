using Forwarder.Ipvsadm.Execution;
using Forwarder.Keepalived.Configuration;

namespace Forwarder.Keepalived.Supervision;

/// <summary>
/// One virtual server under keepalived's rules (its ipwrapper.c, in our words): checkers' verdicts move real servers
/// in and out of the pool (or to weight 0 with inhibit_on_failure), misc_dynamic moves weights, and the live weight
/// against quorum ± hysteresis brings the sorry server in and out and runs the quorum scripts. Every table change is
/// an ipvsadm edit submitted through the director's command queue; only transitions edit the table, so a server an
/// operator removes by hand stays out until its checker sees it fail and recover, as with keepalived.
/// One verdict at a time: callers are serialised by an async lock, held while the edits are answered.
/// </summary>
internal sealed class VirtualServerSupervisor : IDisposable
{
    private readonly Func<IpvsadmInvocation, CancellationToken, Task<IpvsadmResult>> _submit;
    private readonly DirectorLog _log;
    private readonly ScriptLauncher _scripts;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public VirtualServerSupervisor(VirtualServerConfig config, Func<IpvsadmInvocation, CancellationToken, Task<IpvsadmResult>> submit,
        DirectorLog log, ScriptLauncher scripts)
    {
        Config = config;
        _submit = submit;
        _log = log;
        _scripts = scripts;
        RealServers = config.RealServers.Select(rs => new RealServerState(rs)).ToList();
        Sorry = config.SorryServer is { } sorry ? new RealServerState(sorry) : null;
    }

    public VirtualServerConfig Config { get; }

    public List<RealServerState> RealServers { get; }

    public RealServerState? Sorry { get; }

    /// <summary>keepalived's quorum_state_up.</summary>
    public bool QuorumUp { get; private set; }

    private string Name => Config.Name;

    /// <summary>
    /// As init_service_vs: the services, then every real server not failed (alpha) or inhibited, then the quorum and
    /// the sorry server. A server starting down is also taken out of a table loaded from a rules file, so the table
    /// starts as the checkers see it.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            QuorumUp = LiveWeight() >= Config.Quorum + Config.Hysteresis;
            foreach (var service in Config.Services)
            {
                await SubmitAsync(IpvsadmLines.AddService(Config, service), cancellationToken).ConfigureAwait(false);
            }
            foreach (var rs in RealServers)
            {
                if ((rs.FailedCheckers == 0 && !rs.Alive) || (rs.Config.Inhibit && !rs.Set))
                {
                    await AddAtStartAsync(rs, cancellationToken).ConfigureAwait(false);
                    if (rs.FailedCheckers == 0)
                    {
                        rs.Alive = true;
                    }
                }
                else
                {
                    await DestinationAsync(Change.Remove, rs, cancellationToken).ConfigureAwait(false);
                }
            }
            await UpdateQuorumAsync(init: true, cancellationToken).ConfigureAwait(false);
            if (Sorry is { } sorry && !sorry.Alive)
            {
                if (sorry.Config.Inhibit && !sorry.Set)
                {
                    // As keepalived: an inhibited sorry server waits in the table at weight 0.
                    sorry.FailedCheckers = 1;
                    await DestinationAsync(Change.Add, sorry, cancellationToken).ConfigureAwait(false);
                    sorry.FailedCheckers = 0;
                }
                else if (!sorry.Config.Inhibit)
                {
                    await DestinationAsync(Change.Remove, sorry, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// As update_svr_checker_state: a checker's verdict, applied when it changes the server's standing. A failed
    /// misc_dynamic checker first takes back what it had added to the weight (quietly, as keepalived: the server is
    /// on its way out).
    /// </summary>
    public async Task CheckerVerdictAsync(CheckerState checker, bool up, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var rs = checker.RealServer;
            if (!up && checker.WeightShare != 0)
            {
                rs.EffectiveWeight -= checker.WeightShare;
                checker.WeightShare = 0;
            }
            if (checker.IsUp == up)
            {
                if (!checker.HasRun)
                {
                    if (checker.Check.Config.Alpha || !up)
                    {
                        Notify(rs);
                    }
                    checker.HasRun = true;
                }
                return;
            }
            checker.HasRun = true;
            if (up ? rs.FailedCheckers <= 1 : rs.FailedCheckers == 0)
            {
                if (!await ServerStateAsync(up, rs, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            checker.IsUp = up;
            if (!up)
            {
                rs.FailedCheckers++;
            }
            else if (rs.FailedCheckers > 0)
            {
                rs.FailedCheckers--;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// As update_svr_wgt for misc_dynamic: the checker's share of the weight becomes <paramref name="share"/>; the new
    /// effective weight goes in the table at once only where the server is serving.
    /// </summary>
    public async Task WeightShareAsync(CheckerState checker, long share, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var rs = checker.RealServer;
            var old = rs.Weight;
            rs.EffectiveWeight += share - checker.WeightShare;
            checker.WeightShare = share;
            if (rs.Weight == old)
            {
                return;
            }
            _log.Info($"Changing weight from {old} to {rs.Weight} for {(rs.Alive ? "" : "in")}active service {rs.Config.NameIn(Config)} of VS {Name}");
            if (rs.Set && rs.Alive && PoolServes())
            {
                await DestinationAsync(Change.Edit, rs, cancellationToken).ConfigureAwait(false);
            }
            await UpdateQuorumAsync(init: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>With <c>omega</c>, at shutdown: the down notifications of what was up, as keepalived sends them on its way out.</summary>
    public void NotifyShutdown()
    {
        if (!Config.Omega)
        {
            return;
        }
        foreach (var rs in RealServers.Where(rs => rs.Alive))
        {
            _scripts.Launch(rs.Config.NotifyDown, "notify_down");
        }
        if (QuorumUp)
        {
            _scripts.Launch(Config.QuorumDown, "quorum_down");
        }
    }

    /// <summary>As perform_svr_state: a server joins or leaves the pool (unless the sorry server holds it), then the quorum is looked at.</summary>
    private async Task<bool> ServerStateAsync(bool alive, RealServerState rs, CancellationToken cancellationToken)
    {
        if (rs.Alive == alive)
        {
            return true;
        }
        var inhibit = rs.Config.Inhibit;
        var verb = alive ? (inhibit ? "Enabling" : "Adding") : (inhibit ? "Disabling" : "Removing");
        var preposition = inhibit ? "of" : alive ? "to" : "from";
        _log.Info($"{verb} service {rs.Config.NameIn(Config)} {preposition} VS {Name}");
        if (PoolServes() && !await DestinationAsync(alive ? Change.Add : Change.Remove, rs, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }
        rs.Alive = alive;
        Notify(rs);
        await UpdateQuorumAsync(init: false, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>As update_quorum_state: gaining quorum retires the sorry server; losing it (or starting without it) brings it in.</summary>
    private async Task UpdateQuorumAsync(bool init, CancellationToken cancellationToken)
    {
        var weight = LiveWeight();
        var threshold = Config.Quorum + (QuorumUp ? -1 : 1) * Config.Hysteresis;
        if (!QuorumUp && weight >= threshold)
        {
            QuorumUp = true;
            _log.Info($"Gained quorum {Config.Quorum}+{Config.Hysteresis}={threshold} <= {weight} for VS {Name}");
            if (Sorry is { Alive: true } sorry)
            {
                _log.Info($"{(sorry.Config.Inhibit ? "Disabling" : "Removing")} sorry server {sorry.Config.NameIn(Config)} from VS {Name}");
                await DestinationAsync(Change.Remove, sorry, cancellationToken).ConfigureAwait(false);
                sorry.Alive = false;
                await PoolAsync(add: true, cancellationToken).ConfigureAwait(false);
            }
            _scripts.Launch(Config.QuorumUp, "quorum_up");
            return;
        }
        if ((QuorumUp && (weight == 0 || weight < threshold)) || (init && !QuorumUp && Sorry is { Alive: false }))
        {
            QuorumUp = false;
            _log.Info($"{(init ? "Starting with quorum down" : "Lost quorum")} {Config.Quorum}-{Config.Hysteresis}={threshold} > {weight} for VS {Name}");
            if (Sorry is { Alive: false } sorry)
            {
                _log.Info($"{(sorry.Config.Inhibit ? "Enabling" : "Adding")} sorry server {sorry.Config.NameIn(Config)} to VS {Name}");
                await PoolAsync(add: false, cancellationToken).ConfigureAwait(false);
                await DestinationAsync(Change.Add, sorry, cancellationToken).ConfigureAwait(false);
                sorry.Alive = true;
            }
            _scripts.Launch(Config.QuorumDown, "quorum_down");
        }
    }

    /// <summary>As perform_quorum_state: the alive servers leave the pool for the sorry server, or come back from it.</summary>
    private async Task PoolAsync(bool add, CancellationToken cancellationToken)
    {
        _log.Info($"{(add ? "Adding alive servers to" : "Removing alive servers from")} the pool for VS {Name}");
        foreach (var rs in RealServers.Where(rs => rs.Alive))
        {
            await DestinationAsync(add ? Change.Add : Change.Remove, rs, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The pool is the real servers' (not the sorry server's): keepalived edits it only then.</summary>
    private bool PoolServes() => QuorumUp || Sorry is not { Alive: true };

    /// <summary>As weigh_live_realservers.</summary>
    private long LiveWeight() => RealServers.Where(rs => rs.Alive).Sum(rs => (long)rs.Weight);

    private void Notify(RealServerState rs) =>
        _scripts.Launch(rs.Alive ? rs.Config.NotifyUp : rs.Config.NotifyDown, rs.Alive ? "notify_up" : "notify_down");

    /// <summary>At start, a server keepalived adds may already be in a table loaded from a rules file: then its weight is set.</summary>
    private async Task AddAtStartAsync(RealServerState rs, CancellationToken cancellationToken)
    {
        if (rs.Config.Inhibit || rs.Set)
        {
            await DestinationAsync(Change.Add, rs, cancellationToken).ConfigureAwait(false);
            return;
        }
        rs.Set = true;
        foreach (var service in Config.Services)
        {
            var added = await SubmitAsync(IpvsadmLines.Destination("-a", service, rs.Config, rs.Weight), cancellationToken).ConfigureAwait(false);
            if (IsAlreadyThere(added))
            {
                await SubmitAsync(IpvsadmLines.Destination("-e", service, rs.Config, rs.Weight), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// As ipvs_cmd for a destination: with inhibit_on_failure a removal is weight 0 and an addition of a server still
    /// in the table an edit; an edit of a server that is not there adds it (as ipvs_talk). Refusals keepalived ignores
    /// (adding what is there, removing what is not) count as done; others are logged and fail the change.
    /// </summary>
    private async Task<bool> DestinationAsync(Change change, RealServerState rs, CancellationToken cancellationToken)
    {
        var weight = rs.Weight;
        string[] Line(ServiceAddress service) => change switch
        {
            Change.Edit => IpvsadmLines.Destination("-e", service, rs.Config, weight),
            Change.Remove => IpvsadmLines.DeleteDestination(service, rs.Config),
            _ => IpvsadmLines.Destination("-a", service, rs.Config, weight),
        };
        if (change == Change.Remove && rs.Config.Inhibit)
        {
            change = Change.Edit;
            weight = 0;
        }
        else if (change == Change.Add && rs.Config.Inhibit && rs.Set)
        {
            change = Change.Edit;
        }
        else if (change == Change.Add && !rs.Set)
        {
            rs.Set = true;
            if (rs.Config.Inhibit && rs.FailedCheckers > 0)
            {
                weight = 0;
            }
        }
        else if (change == Change.Remove)
        {
            rs.Set = false;
        }
        var done = true;
        foreach (var service in Config.Services)
        {
            var result = await SubmitAsync(Line(service), cancellationToken).ConfigureAwait(false);
            if (change == Change.Edit && IsMissing(result))
            {
                result = await SubmitAsync(IpvsadmLines.Destination("-a", service, rs.Config, weight), cancellationToken).ConfigureAwait(false);
            }
            done &= result.ExitCode == IpvsadmExitCodes.Success || (change == Change.Add && IsAlreadyThere(result)) || (change == Change.Remove && IsMissing(result));
        }
        return done;
    }

    private Task<IpvsadmResult> SubmitAsync(string[] words, CancellationToken cancellationToken) =>
        _submit(new IpvsadmInvocation(words), cancellationToken);

    /// <summary>The refusals keepalived passes over in silence: adding what is there, removing what is not.</summary>
    public static bool IsBenign(IpvsadmInvocation invocation, IpvsadmResult result) => invocation.Arguments.Count > 0 && invocation.Arguments[0] switch
    {
        "-a" or "-A" => IsAlreadyThere(result),
        "-d" => IsMissing(result),
        _ => false,
    };

    internal static bool IsAlreadyThere(IpvsadmResult result) => result.StandardError.StartsWith("Destination already exists", StringComparison.Ordinal)
        || result.StandardError.StartsWith("Service already exists", StringComparison.Ordinal);

    internal static bool IsMissing(IpvsadmResult result) => result.StandardError.StartsWith("No such destination", StringComparison.Ordinal);

    public void Dispose() => _gate.Dispose();

    private enum Change
    {
        Add,
        Remove,
        Edit,
    }
}
