using Forwarder.Ipvsadm.Execution;
using Forwarder.Keepalived.Checkers;
using Forwarder.Keepalived.Configuration;

namespace Forwarder.Keepalived.Supervision;

/// <summary>
/// keepalived's checker process inside the director: puts each configured virtual server in the table, then runs
/// every checker on its own schedule on the thread pool — never on the engine's thread — at most
/// <see cref="MaximumConcurrentChecks"/> at once, each bounded in time. Checkers only submit ipvsadm edits (through
/// the director's command queue), so listings, <c>-S</c> and counters stay the table's own, and flows already
/// established carry on as the kernel's <c>-d</c> and weight 0 leave them.
/// </summary>
public sealed class KeepalivedSupervisor : IDisposable
{
    public const int MaximumConcurrentChecks = 32;

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly DirectorLog _log;
    private readonly ScriptLauncher _scripts;
    private readonly List<VirtualServerSupervisor> _virtualServers;
    private readonly List<CheckerRunner> _runners = [];
    private readonly SemaphoreSlim _gate = new(MaximumConcurrentChecks, MaximumConcurrentChecks);
    private readonly CancellationTokenSource _stop = new();
    private Func<IpvsadmInvocation, CancellationToken, Task<IpvsadmResult>>? _submit;
    private bool _setUp;
    private Task? _running;

    public KeepalivedSupervisor(KeepalivedConfiguration configuration, DirectorLog log)
    {
        _log = log;
        _scripts = new ScriptLauncher(log);
        // Edits go where the current phase sends them: straight to the table at set-up, through the queue after.
        Task<IpvsadmResult> Submit(IpvsadmInvocation invocation, CancellationToken cancellationToken) =>
            (_submit ?? throw new InvalidOperationException("the supervisor was not started"))(invocation, cancellationToken);
        _virtualServers = configuration.VirtualServers.Select(vs => new VirtualServerSupervisor(vs, Submit, log, _scripts)).ToList();
        foreach (var virtualServer in _virtualServers)
        {
            foreach (var rs in virtualServer.RealServers)
            {
                foreach (var checker in rs.Config.Checkers)
                {
                    var state = new CheckerState(HealthChecks.For(checker), rs);
                    if (checker.Alpha)
                    {
                        // As keepalived in alpha mode: the checker counts as failed until it first passes.
                        state.IsUp = false;
                        rs.FailedCheckers++;
                    }
                    _runners.Add(new CheckerRunner(state, virtualServer, _gate, log));
                }
            }
        }
    }

    /// <summary>The refusals keepalived passes over in silence (adding what is there, removing what is not): not worth a warning.</summary>
    public static bool IsBenignRefusal(IpvsadmInvocation invocation, IpvsadmResult result) => VirtualServerSupervisor.IsBenign(invocation, result);

    /// <summary>The virtual servers and their standing, for tests and listings of the supervisor itself.</summary>
    internal IReadOnlyList<VirtualServerSupervisor> VirtualServers => _virtualServers;

    /// <summary>Completes once every virtual server is in the table and every checker is scheduled.</summary>
    public Task Started { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Puts the virtual servers in the table now, with <paramref name="submitNow"/> (which must answer at once: the
    /// director's table before its loop runs), so that what starts with the table (restored connections) finds them.
    /// </summary>
    public void SetUp(Func<IpvsadmInvocation, CancellationToken, Task<IpvsadmResult>> submitNow)
    {
        _submit = submitNow;
        foreach (var virtualServer in _virtualServers)
        {
            virtualServer.StartAsync(_stop.Token).GetAwaiter().GetResult();
        }
        _setUp = true;
    }

    /// <summary>
    /// Starts the checkers, their edits going through <paramref name="submit"/> (the command queue, with its log);
    /// sets the virtual servers up first, through it too, unless <see cref="SetUp"/> did. Returns at once.
    /// </summary>
    public void Start(Func<IpvsadmInvocation, CancellationToken, Task<IpvsadmResult>> submit)
    {
        _submit = submit;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Started = started.Task;
        _running = Task.Run(async () =>
        {
            try
            {
                if (!_setUp)
                {
                    foreach (var virtualServer in _virtualServers)
                    {
                        await virtualServer.StartAsync(_stop.Token).ConfigureAwait(false);
                    }
                }
                var checkers = new List<Task>();
                foreach (var runner in _runners)
                {
                    checkers.Add(Task.Run(() => runner.RunAsync(_stop.Token)));
                }
                started.TrySetResult();
                await Task.WhenAll(checkers).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                started.TrySetCanceled();
            }
            catch (Exception failed)
            {
                _log.Error($"the checkers stopped on an internal error: {failed.Message}");
                started.TrySetException(failed);
            }
        });
        foreach (var virtualServer in _virtualServers)
        {
            foreach (var rs in virtualServer.RealServers)
            {
                foreach (var _ in rs.Config.Checkers)
                {
                    _log.Info($"Activating healthchecker for service {rs.Config.NameIn(virtualServer.Config)} for VS {virtualServer.Config.Name}");
                }
            }
        }
    }

    /// <summary>Stops every checker (waiting for those running, bounded), then sends omega's notifications.</summary>
    public void Stop()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }
        _stop.Cancel();
        _running?.Wait(StopTimeout);
        foreach (var virtualServer in _virtualServers)
        {
            virtualServer.NotifyShutdown();
        }
        _scripts.WaitForRunning(TimeSpan.FromSeconds(1));
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
        _gate.Dispose();
        _virtualServers.ForEach(vs => vs.Dispose());
    }
}
