using System.ComponentModel;
using System.Diagnostics;
using Forwarder.Keepalived.Configuration;

namespace Forwarder.Keepalived.Supervision;

/// <summary>
/// Runs notify and quorum scripts as keepalived does, without a shell and without waiting for them; each is bounded
/// (<see cref="Timeout"/>, then killed with what it started) and reaped. Stop waits a little for those still running.
/// </summary>
internal sealed class ScriptLauncher
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly DirectorLog _log;
    private readonly List<Task> _running = [];

    public ScriptLauncher(DirectorLog log)
    {
        _log = log;
    }

    public void Launch(ScriptCommand? script, string why)
    {
        if (script is null)
        {
            return;
        }
        var task = Task.Run(() => RunAsync(script, why));
        lock (_running)
        {
            _running.RemoveAll(t => t.IsCompleted);
            _running.Add(task);
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the scripts still running.</summary>
    public void WaitForRunning(TimeSpan timeout)
    {
        Task[] running;
        lock (_running)
        {
            running = [.. _running];
        }
        Task.WaitAll(running, timeout);
    }

    private async Task RunAsync(ScriptCommand script, string why)
    {
        Process started;
        try
        {
            started = script.Start();
        }
        catch (Win32Exception failed)
        {
            _log.Warning($"Failed to run {why} script {script}: {failed.Message}");
            return;
        }
        using var process = started;
        using var deadline = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                _log.Warning($"{why} script {script} exited with status {process.ExitCode}");
            }
        }
        catch (OperationCanceledException)
        {
            _log.Warning($"{why} script {script} still running after {Timeout.TotalSeconds:0} s - killed");
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended meanwhile.
            }
        }
    }
}
