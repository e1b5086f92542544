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

    public void Clear()
    {
        Connections = InPackets = OutPackets = InBytes = OutBytes = 0;
    }
}
