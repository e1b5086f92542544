using System.ComponentModel;
using System.Diagnostics;
using Forwarder.Keepalived.Configuration;

namespace Forwarder.Keepalived.Checkers;

/// <summary>
/// MISC_CHECK: runs the script (no shell; its output discarded) and reads its exit status; one still running at
/// misc_timeout is killed with everything it started and counts as timed out, as keepalived kills the script's
/// process group. What the status means (up, down, a weight) is the supervisor's to decide.
/// </summary>
public sealed class MiscHealthCheck : IHealthCheck
{
    /// <summary>How long a killed script may take to be reaped before the check gives up waiting for it.</summary>
    private static readonly TimeSpan ReapTimeout = TimeSpan.FromSeconds(5);

    private readonly MiscCheckConfig _config;

    public MiscHealthCheck(MiscCheckConfig config)
    {
        _config = config;
    }

    public CheckerConfig Config => _config;

    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        var script = _config.Script!;
        Process started;
        try
        {
            started = script.Start();
        }
        catch (Win32Exception failed)
        {
            return CheckResult.Failed($"could not be started: {failed.Message}") with { ExitStatus = 127 };
        }
        using var process = started;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_config.Timeout ?? _config.DelayLoop);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            return CheckResult.Failed("timed out") with { TimedOut = true };
        }
        var status = process.ExitCode;
        // .NET reports a process ended by signal N as 128 + N, as a shell would.
        if (status > 128 && status < 128 + 65)
        {
            return CheckResult.Failed("due to signal") with { Signal = status - 128 };
        }
        return new CheckResult(status == 0, "exited with status") { ExitStatus = status };
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(ReapTimeout);
        }
        catch (InvalidOperationException)
        {
            // It ended on its own meanwhile.
        }
    }
}
