using Forwarder.Core.Engine;
using Forwarder.Ipvsadm.Listing;

namespace Forwarder.Tests.Monitoring;

/// <summary>Snapshots of an engine with no estimator running and no capture ports, as the tests read them.</summary>
internal sealed class DirectorSnapshotterFor(DirectorEngine engine)
{
    public DirectorSnapshotter Snapshotter { get; } = new(engine, new ServiceRateEstimators());

    public DirectorSnapshot Take() => Snapshotter.Take();

    public ConnectionRows Connections()
    {
        var rows = new ConnectionRows();
        Snapshotter.CopyConnections(rows);
        return rows;
    }
}
