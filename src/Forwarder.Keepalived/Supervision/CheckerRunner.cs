using Forwarder.Keepalived.Checkers;
using Forwarder.Keepalived.Configuration;

namespace Forwarder.Keepalived.Supervision;

/// <summary>
/// One checker's schedule, as keepalived runs it: a first check after a random part of warmup, then every delay_loop;
/// while the server is up a failure is retried <c>retry</c> times, delay_before_retry apart, before it counts (at the
/// very first check one failure is enough, and with alpha the server starts down). Each attempt waits for a slot of
/// the shared gate, which bounds how many checks run at once. A MISC_CHECK with misc_dynamic turns an exit status
/// 2-255 into the weight status - 2.
/// </summary>
internal sealed class CheckerRunner
{
    private readonly CheckerState _state;
    private readonly VirtualServerSupervisor _virtualServer;
    private readonly SemaphoreSlim _gate;
    private readonly DirectorLog _log;

    public CheckerRunner(CheckerState state, VirtualServerSupervisor virtualServer, SemaphoreSlim gate, DirectorLog log)
    {
        _state = state;
        _virtualServer = virtualServer;
        _gate = gate;
        _log = log;
    }

    private CheckerConfig Config => _state.Check.Config;

    private string RealServerName => _state.RealServer.Config.NameIn(_virtualServer.Config);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var warmup = Config.Warmup > TimeSpan.Zero ? TimeSpan.FromTicks(Random.Shared.NextInt64(Config.Warmup.Ticks + 1)) : TimeSpan.Zero;
            await Task.Delay(warmup, cancellationToken).ConfigureAwait(false);
            while (!cancellationToken.IsCancellationRequested)
            {
                var result = await AttemptAsync(cancellationToken).ConfigureAwait(false);
                var next = await ConsiderAsync(result, cancellationToken).ConfigureAwait(false);
                await Task.Delay(next, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The director is stopping.
        }
    }

    private async Task<CheckResult> AttemptAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _state.Check.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception failed) when (failed is not OperationCanceledException)
        {
            // A check that breaks is a failed check, never a dead checker.
            return CheckResult.Failed($"check error: {failed.Message}");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>What one attempt means (as tcp_epilog and its siblings), and how long until the next.</summary>
    private async Task<TimeSpan> ConsiderAsync(CheckResult result, CancellationToken cancellationToken)
    {
        var vs = _virtualServer.Config.Name;
        if (result.Up || IsDynamicPass(result))
        {
            await DynamicWeightAsync(result, cancellationToken).ConfigureAwait(false);
            if (!_state.IsUp || !_state.HasRun)
            {
                foreach (var line in CheckerMessages.Succeeded(Config, result, RealServerName, vs))
                {
                    _log.Info(line);
                }
                await _virtualServer.CheckerVerdictAsync(_state, up: true, cancellationToken).ConfigureAwait(false);
            }
            _state.RetryCount = 0;
            _state.HasRun = true;
            return Config.DelayLoop;
        }
        if (_state.IsUp || !_state.HasRun)
        {
            if (_state.HasRun && _state.RetryCount < Config.Retry)
            {
                _state.RetryCount++;
                _log.Info(CheckerMessages.AttemptFailed(Config, result, RealServerName, vs, _state.RetryCount));
                return Config.DelayBeforeRetry;
            }
            if (_state.IsUp && _state.HasRun && Config is TcpCheckConfig or HttpCheckConfig)
            {
                _log.Info(CheckerMessages.AttemptFailed(Config, result, RealServerName, vs, _state.RetryCount));
            }
            _log.Info(CheckerMessages.Failed(Config, result, RealServerName, vs, _state.HasRun));
            _state.RetryCount = 0;
            _state.LastExitStatus = result.ExitStatus;
            await _virtualServer.CheckerVerdictAsync(_state, up: false, cancellationToken).ConfigureAwait(false);
            _state.HasRun = true;
        }
        return Config.DelayLoop;
    }

    /// <summary>With misc_dynamic, 2-255 is a pass that sets the weight; 1 (and anything else) is a failure.</summary>
    private bool IsDynamicPass(CheckResult result) =>
        Config is MiscCheckConfig { Dynamic: true } && result.ExitStatus is >= 2 and <= 255 && result.Signal is null && !result.TimedOut;

    private async Task DynamicWeightAsync(CheckResult result, CancellationToken cancellationToken)
    {
        if (Config is not MiscCheckConfig { Dynamic: true } || result.ExitStatus is not { } status || status == _state.LastExitStatus)
        {
            return;
        }
        // keepalived's cur_weight: what makes the effective weight status - 2 (0 gives back the configured weight).
        var share = status == 0 ? 0 : status - 2 - _state.RealServer.Config.Weight;
        _state.LastExitStatus = status;
        await _virtualServer.WeightShareAsync(_state, share, cancellationToken).ConfigureAwait(false);
    }
}
