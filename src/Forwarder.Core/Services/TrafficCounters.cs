namespace Forwarder.Core.Services;

/// <summary>
/// The counters IPVS keeps per service and per destination (<c>struct ip_vs_stats</c>):
/// connections, packets and bytes in each direction. "In" is client to server.
/// </summary>
public sealed class TrafficCounters
{
    public long Connections;
    public long InPackets;
    public long OutPackets;
    public long InBytes;
    public long OutBytes;

    /// <summary>
    /// The rate estimator of these counters, made with them and started by the listings' first sample. Kept here,
    /// as the kernel keeps its estimator in the stats it estimates, rather than in a weak table: 110,000 weak-table
    /// entries cost every garbage collection a dependent handle each, and the director an eighth of a core to look up.
    /// </summary>
    public RateEstimator? Estimator = new();

    public void Clear()
    {
        Connections = InPackets = OutPackets = InBytes = OutBytes = 0;
    }
}
