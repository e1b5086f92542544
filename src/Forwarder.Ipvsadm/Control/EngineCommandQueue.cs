using System.Collections.Concurrent;
using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Ipvsadm.Control;

/// <summary>
/// Hands ipvsadm commands from the control server's connection tasks to the engine's thread. Any thread may
/// <see cref="SubmitAsync"/>; only the engine's thread calls <see cref="RunPending"/>, between frames, so each
/// command runs whole between two packets and commands from concurrent clients run one after another.
/// A plain -R is the exception, once <see cref="PrepareRestoresWith"/> names the executor: its input is parsed and
/// tried on a copy on the submitting thread, and the engine's thread only copies the services it names and then
/// commits the result (one insertion per service it creates), so a large restore does not stop forwarding.
/// </summary>
public sealed class EngineCommandQueue
{
    /// <summary>The answer to commands that arrive while, or after, the director stops.</summary>
    public static readonly IpvsadmResult ShuttingDown =
        IpvsadmResult.Failure(IpvsadmExitCodes.Usage, "ipvsadm: the director is shutting down; nothing was done\n");

    /// <summary>Off-thread trials of a -R to throw away because another command moved the table, before it is tried on the engine's thread.</summary>
    private const int RestoreTrials = 2;

    private readonly ConcurrentQueue<PendingWork> _pending = new();
    private Action? _wake;
    private IpvsadmExecutor? _restores;
    private volatile bool _closed;

    /// <param name="wake">Called after each submission, so an engine loop blocked waiting for frames can come round sooner.</param>
    public EngineCommandQueue(Action? wake = null)
    {
        _wake = wake;
    }

    public bool HasPending => !_pending.IsEmpty;

    /// <summary>
    /// Also calls <paramref name="wake"/> after each submission (the live director's loop registers its wake-up here).
    /// Call it before commands arrive.
    /// </summary>
    public void AlsoWake(Action wake) => _wake += wake;

    /// <summary>
    /// From now on a plain -R is parsed and tried on the submitting thread with <paramref name="executor"/>, the one
    /// <see cref="RunPending"/> runs commands with. Call it before commands arrive.
    /// </summary>
    public void PrepareRestoresWith(IpvsadmExecutor executor) => _restores = executor;

    /// <summary>Queues a command for the engine's thread; the task completes once it has run there.</summary>
    public Task<IpvsadmResult> SubmitAsync(IpvsadmInvocation invocation, CancellationToken cancellationToken)
    {
        if (_restores is { } executor && IpvsadmExecutor.IsRestore(invocation.Arguments) && !_closed)
        {
            return RestoreAsync(executor, invocation.StandardInput, cancellationToken);
        }
        var pending = new PendingCommand(invocation);
        return Enqueue(pending) ? pending.Completion.Task.WaitAsync(cancellationToken) : Task.FromResult(ShuttingDown);
    }

    /// <summary>
    /// Runs <paramref name="step"/> on the engine's thread, between two frames, as <see cref="RunPending"/> comes round.
    /// Cancelled when the director stops before it runs.
    /// </summary>
    public Task<T> RunOnEngineAsync<T>(Func<T> step, CancellationToken cancellationToken)
    {
        var pending = new PendingStep<T>(step);
        return Enqueue(pending) ? pending.Completion.Task.WaitAsync(cancellationToken) : Task.FromCanceled<T>(new CancellationToken(canceled: true));
    }

    /// <summary>
    /// Runs the commands queued when it is called (not those that arrive meanwhile, so packets are not starved),
    /// on the calling thread, which must be the engine's. Returns how many ran.
    /// </summary>
    public int RunPending(Func<IpvsadmInvocation, IpvsadmResult> execute)
    {
        var count = 0;
        for (var limit = _pending.Count; count < limit && _pending.TryDequeue(out var pending); count++)
        {
            pending.Run(execute);
        }
        return count;
    }

    /// <summary>Refuses further commands and answers those still queued with <see cref="ShuttingDown"/>.</summary>
    public void Close()
    {
        _closed = true;
        RefuseAll();
    }

    private bool Enqueue(PendingWork pending)
    {
        if (_closed)
        {
            return false;
        }
        _pending.Enqueue(pending);
        if (_closed)
        {
            // Close ran between the check and the enqueue: answer what it may have missed.
            RefuseAll();
        }
        _wake?.Invoke();
        return true;
    }

    /// <summary>
    /// A -R in four stages: the parse and the trial here, on the caller's thread (the cost grows with the input);
    /// the copy of the named services and the commit on the engine's (the cost grows with what the input touches
    /// that was already there). A command that edits the table in between voids the trial, which is made again.
    /// </summary>
    private async Task<IpvsadmResult> RestoreAsync(IpvsadmExecutor executor, string standardInput, CancellationToken cancellationToken)
    {
        try
        {
            var (parsed, refusal) = executor.ParseRestore(standardInput);
            if (refusal is not null)
            {
                return refusal;
            }
            for (var attempt = 0; attempt < RestoreTrials; attempt++)
            {
                var trial = await RunOnEngineAsync(() => executor.TrialForRestore(parsed!), cancellationToken).ConfigureAwait(false);
                var (plan, refused) = executor.PlanRestore(parsed!, trial);
                if (refused is not null)
                {
                    return refused;
                }
                if (await RunOnEngineAsync(() => executor.CommitRestore(plan!), cancellationToken).ConfigureAwait(false) is { } done)
                {
                    return done;
                }
            }
            // The table keeps moving under the trials: try and commit in one step between two frames.
            return await RunOnEngineAsync(() => executor.RestoreNow(parsed!), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ShuttingDown;
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            return Failed(failure);
        }
    }

    private void RefuseAll()
    {
        while (_pending.TryDequeue(out var pending))
        {
            pending.Refuse();
        }
    }

    /// <summary>A bug must not take the engine down with it; the client hears of it instead.</summary>
    private static IpvsadmResult Failed(Exception failure) =>
        IpvsadmResult.Failure(IpvsadmExitCodes.Usage, $"ipvsadm: the director failed to run the command: {failure.Message}\n");

    private abstract class PendingWork
    {
        public abstract void Run(Func<IpvsadmInvocation, IpvsadmResult> execute);

        public abstract void Refuse();
    }

    private sealed class PendingCommand(IpvsadmInvocation invocation) : PendingWork
    {
        public TaskCompletionSource<IpvsadmResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Run(Func<IpvsadmInvocation, IpvsadmResult> execute)
        {
            IpvsadmResult result;
            try
            {
                result = execute(invocation);
            }
            catch (Exception failure)
            {
                result = Failed(failure);
            }
            Completion.TrySetResult(result);
        }

        public override void Refuse() => Completion.TrySetResult(ShuttingDown);
    }

    private sealed class PendingStep<T>(Func<T> step) : PendingWork
    {
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Run(Func<IpvsadmInvocation, IpvsadmResult> execute)
        {
            try
            {
                Completion.TrySetResult(step());
            }
            catch (Exception failure)
            {
                Completion.TrySetException(failure);
            }
        }

        public override void Refuse() => Completion.TrySetCanceled();
    }
}
