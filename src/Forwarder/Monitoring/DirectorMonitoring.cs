using Forwarder.Capture.Live;
using Forwarder.Core.Engine;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Listing;

namespace Forwarder.Monitoring;

/// <summary>
/// What <c>run</c> offers monitoring tools, each only when asked for: the metrics endpoint (<c>--metrics</c>) and
/// the procfs directory (<c>--procfs-dir</c>). Both read snapshots the engine's thread takes between two frames,
/// through the same queue ipvsadm's commands take.
/// </summary>
public sealed class DirectorMonitoring : IDisposable
{
    private readonly MetricsEndpoint? _metrics;
    private readonly ProcNetWriter? _procNet;
    private bool _disposed;

    private DirectorMonitoring(MetricsEndpoint? metrics, ProcNetWriter? procNet)
    {
        _metrics = metrics;
        _procNet = procNet;
    }

    public MetricsEndpoint? Metrics => _metrics;

    /// <summary>Starts what was asked for; nothing when neither was.</summary>
    /// <exception cref="IOException">The metrics address cannot be listened on.</exception>
    public static DirectorMonitoring Start(MetricsAddress? metricsAddress, string? procfsDirectory, DirectorEngine engine,
        IRateSource rates, IReadOnlyList<LivePort> ports, EngineCommandQueue commands, TextWriter errors)
    {
        var snapshotter = new DirectorSnapshotter(engine, rates, () => ports.Select(Figures).ToList());
        var snapshots = new EngineSnapshots(snapshotter, commands.RunOnEngineAsync);
        var metrics = metricsAddress is null ? null : new MetricsEndpoint(metricsAddress, snapshots);
        try
        {
            metrics?.Start();
        }
        catch
        {
            metrics?.Dispose();
            throw;
        }
        var procNet = procfsDirectory is null ? null
            : new ProcNetWriter(new ProcNetDirectory(procfsDirectory, errors), snapshotter, snapshots, commands.RunOnEngineAsync);
        procNet?.Start();
        return new DirectorMonitoring(metrics, procNet);
    }

    /// <summary>Stops listening and removes the procfs files.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _metrics?.Dispose();
        _procNet?.Dispose();
    }

    /// <summary>A port's counts, read on the engine's thread with the rest of the snapshot.</summary>
    private static InterfaceFigures Figures(LivePort port)
    {
        var (received, dropped, interfaceDropped) = port.Statistics();
        return new InterfaceFigures(port.Name, port.Received, port.Sent, port.SendFailures, received, dropped, interfaceDropped);
    }
}
