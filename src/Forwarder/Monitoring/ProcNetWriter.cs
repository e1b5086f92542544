namespace Forwarder.Monitoring;

/// <summary>
/// Rewrites the <see cref="ProcNetDirectory"/> every second from one snapshot (one step on the engine's thread) and a
/// copy of the connection table (the same step, then slices of it in later steps); the text is made and written
/// here, off the engine's thread. Each snapshot is
/// also published for the metrics endpoint.
/// </summary>
public sealed class ProcNetWriter : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly ProcNetDirectory _directory;
    private readonly DirectorSnapshotter _snapshotter;
    private readonly EngineSnapshots _snapshots;
    private readonly Func<Func<DirectorSnapshot>, CancellationToken, Task<DirectorSnapshot>> _runOnEngine;
    private readonly ConnectionRows _rows = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private bool _disposed;

    public ProcNetWriter(ProcNetDirectory directory, DirectorSnapshotter snapshotter, EngineSnapshots snapshots,
        Func<Func<DirectorSnapshot>, CancellationToken, Task<DirectorSnapshot>> runOnEngine)
    {
        _directory = directory;
        _snapshotter = snapshotter;
        _snapshots = snapshots;
        _runOnEngine = runOnEngine;
    }

    public void Start() => _loop = Task.Run(() => LoopAsync(_stop.Token));

    /// <summary>One rewrite: the snapshot on the engine's thread, the files here. Returns the snapshot.</summary>
    public async Task<DirectorSnapshot> WriteOnceAsync(CancellationToken cancellationToken)
    {
        var done = false;
        var snapshot = await _runOnEngine(() =>
        {
            var taken = _snapshotter.Take();
            _rows.Begin();
            done = _snapshotter.CopyConnectionSlice(_rows);
            return taken;
        }, cancellationToken).ConfigureAwait(false);
        _snapshots.Publish(snapshot);
        while (!done)
        {
            await _runOnEngine(() =>
            {
                done = _snapshotter.CopyConnectionSlice(_rows);
                return snapshot;
            }, cancellationToken).ConfigureAwait(false);
        }
        _directory.Write([ProcNetFormat.IpVs(snapshot), ProcNetFormat.IpVsStats(snapshot),
            ProcNetFormat.IpVsStatsPerCpu(snapshot), ProcNetFormat.IpVsConn(_rows.Rows)]);
        return snapshot;
    }

    /// <summary>Stops the loop and removes the files.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _stop.Cancel();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends by cancellation; nothing else is expected of it.
        }
        _directory.Remove();
        _stop.Dispose();
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                await WriteOnceAsync(stop).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // Stopping (or the engine's queue closed under a pending snapshot).
        }
    }
}
