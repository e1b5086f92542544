using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>
/// The choice sh and mh make the same way (ip_vs_sh_schedule, ip_vs_mh_schedule): the client's hashed slot,
/// and with the fallback flag, when that server is unusable, the walk that rehashes with a growing offset
/// until a usable one turns up, stopping at an empty slot.
/// </summary>
internal static class SourceHashChoice
{
    public static Destination? Choose<TTable>(TTable table, in FlowInfo flow, string schedulerFlags)
        where TTable : ISourceHashTable
    {
        var flags = SchedulerFlagSet.Of(schedulerFlags);
        var port = flags.HashesPort ? PortOf(flow) : (ushort)0;
        var first = table.SlotOf(flow.SourceAddress.Fold(), port);
        var destination = table.ServerAt(flow.SourceAddress.Fold(), port, 0);
        if (destination is null || !IsUnusable(destination))
        {
            return destination;
        }
        if (!flags.Fallback)
        {
            return null;
        }
        for (uint offset = 0; offset < table.Size; offset++)
        {
            var rolled = (offset + (uint)first) % (uint)table.Size;
            destination = table.ServerAt(flow.SourceAddress.Fold(), port, rolled);
            if (destination is null)
            {
                break;
            }
            if (!IsUnusable(destination))
            {
                return destination;
            }
        }
        return null;
    }

    /// <summary>As the kernel: only TCP, UDP and SCTP have a port to mix in; other protocols hash with 0.</summary>
    public static ushort PortOf(in FlowInfo flow) =>
        flow.Protocol is 6 or 17 or 132 ? flow.SourcePort : (ushort)0;

    private static bool IsUnusable(Destination destination) => destination.Weight <= 0 || destination.IsOverloaded;
}
