using Forwarder.Core.Services;

namespace Forwarder.Monitoring;

/// <summary>A copy of one set of IPVS traffic counters (the kernel's <c>ip_vs_kstats</c> totals), taken on the engine's thread.</summary>
public readonly record struct TrafficFigures(long Connections, long InPackets, long OutPackets, long InBytes, long OutBytes)
{
    public static TrafficFigures Of(TrafficCounters counters) =>
        new(counters.Connections, counters.InPackets, counters.OutPackets, counters.InBytes, counters.OutBytes);

    public static TrafficFigures operator +(TrafficFigures left, TrafficFigures right) =>
        new(left.Connections + right.Connections, left.InPackets + right.InPackets, left.OutPackets + right.OutPackets,
            left.InBytes + right.InBytes, left.OutBytes + right.OutBytes);
}
