using System.Collections.Concurrent;
using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Ipvsadm.Control;

/// <summary>
/// Hands ipvsadm commands from the control server's connection tasks to the engine's thread. Any thread may
/// <see cref="SubmitAsync"/>; only the engine's thread calls <see cref="RunPending"/>, between frames, so each
/// command runs whole between two packets and commands from concurrent clients run one after another.
/// </summary>
public sealed class EngineCommandQueue
{
    /// <summary>The answer to commands that arrive while, or after, the director stops.</summary>
    public static readonly IpvsadmResult ShuttingDown =
        IpvsadmResult.Failure(IpvsadmExitCodes.Usage, "ipvsadm: the director is shutting down; nothing was done\n");

    private readonly ConcurrentQueue<PendingCommand> _pending = new();
    private readonly Action? _wake;
    private volatile bool _closed;

    /// <param name="wake">Called after each submission, so an engine loop blocked waiting for frames can come round sooner.</param>
    public EngineCommandQueue(Action? wake = null)
    {
        _wake = wake;
    }

    public bool HasPending => !_pending.IsEmpty;

    /// <summary>Queues a command for the engine's thread; the task completes once it has run there.</summary>
    public Task<IpvsadmResult> SubmitAsync(IpvsadmInvocation invocation, CancellationToken cancellationToken)
    {
        if (_closed)
        {
            return Task.FromResult(ShuttingDown);
        }
        var pending = new PendingCommand(invocation, new TaskCompletionSource<IpvsadmResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        _pending.Enqueue(pending);
        if (_closed)
        {
            // Close ran between the check and the enqueue: answer what it may have missed.
            AnswerAll(ShuttingDown);
        }
        _wake?.Invoke();
        return pending.Completion.Task.WaitAsync(cancellationToken);
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
            IpvsadmResult result;
            try
            {
                result = execute(pending.Invocation);
            }
            catch (Exception failure)
            {
                // A bug must not take the engine down with it; the client hears of it instead.
                result = IpvsadmResult.Failure(IpvsadmExitCodes.Usage, $"ipvsadm: the director failed to run the command: {failure.Message}\n");
            }
            pending.Completion.TrySetResult(result);
        }
        return count;
    }

    /// <summary>Refuses further commands and answers those still queued with <see cref="ShuttingDown"/>.</summary>
    public void Close()
    {
        _closed = true;
        AnswerAll(ShuttingDown);
    }

    private void AnswerAll(IpvsadmResult result)
    {
        while (_pending.TryDequeue(out var pending))
        {
            pending.Completion.TrySetResult(result);
        }
    }

    private sealed record PendingCommand(IpvsadmInvocation Invocation, TaskCompletionSource<IpvsadmResult> Completion);
}
