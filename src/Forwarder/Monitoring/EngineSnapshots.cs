using System.Diagnostics;

namespace Forwarder.Monitoring;

/// <summary>
/// The latest <see cref="DirectorSnapshot"/>, refreshed on the engine's thread at most once a second however many
/// readers ask: a scrape that finds one younger than <see cref="MaximumAge"/> takes it, one that does not waits for
/// a new one (concurrent scrapes share it). The procfs writer publishes its own each second, so scrapes then cost
/// the engine nothing at all.
/// </summary>
public sealed class EngineSnapshots
{
    public static readonly TimeSpan MaximumAge = TimeSpan.FromSeconds(1);

    private readonly Func<Func<DirectorSnapshot>, CancellationToken, Task<DirectorSnapshot>> _runOnEngine;
    private readonly DirectorSnapshotter _snapshotter;
    private readonly Lock _lock = new();
    private DirectorSnapshot? _latest;
    private long _latestAt;
    private Task<DirectorSnapshot>? _pending;

    /// <param name="runOnEngine">Runs a step on the engine's thread (the live director's <c>EngineCommandQueue.RunOnEngineAsync</c>).</param>
    public EngineSnapshots(DirectorSnapshotter snapshotter, Func<Func<DirectorSnapshot>, CancellationToken, Task<DirectorSnapshot>> runOnEngine)
    {
        _snapshotter = snapshotter;
        _runOnEngine = runOnEngine;
    }

    /// <summary>How many snapshots the engine has taken for readers of this cache (not counting published ones).</summary>
    public int Taken { get; private set; }

    public Task<DirectorSnapshot> LatestAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_latest is { } latest && Stopwatch.GetElapsedTime(_latestAt) < MaximumAge)
            {
                return Task.FromResult(latest);
            }
            if (_pending is null)
            {
                var taking = TakeAsync();
                // A step the engine ran at once has already cleared _pending in TakeAsync: keep only one still running.
                if (!taking.IsCompleted)
                {
                    _pending = taking;
                }
                return taking.WaitAsync(cancellationToken);
            }
            return _pending.WaitAsync(cancellationToken);
        }
    }

    /// <summary>A snapshot taken elsewhere on the engine's thread (the procfs writer's) becomes the latest.</summary>
    public void Publish(DirectorSnapshot snapshot)
    {
        lock (_lock)
        {
            _latest = snapshot;
            _latestAt = Stopwatch.GetTimestamp();
        }
    }

    private async Task<DirectorSnapshot> TakeAsync()
    {
        try
        {
            var snapshot = await _runOnEngine(_snapshotter.Take, CancellationToken.None).ConfigureAwait(false);
            lock (_lock)
            {
                Taken++;
            }
            Publish(snapshot);
            return snapshot;
        }
        finally
        {
            lock (_lock)
            {
                _pending = null;
            }
        }
    }
}
