using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>
/// ovf, as <c>ip_vs_ovf.c</c>: the highest-weight destination that still has room, where "room" is the
/// kernel's test: a destination is skipped only when its active connections exceed its weight (so one
/// with exactly as many active connections as its weight still qualifies), or when it is quiescent or
/// overloaded. Equal weights: the earlier one in list order.
/// </summary>
public sealed class OverflowConnectionScheduler : IScheduler
{
    public string Name => "ovf";

    public Destination? Schedule(VirtualService service, in FlowInfo flow)
    {
        Destination? highest = null;
        var highestWeight = 0;
        var list = service.Destinations;
        for (var index = 0; index < list.Count; index++)
        {
            var candidate = list[index];
            var weight = candidate.Weight;
            if (candidate.IsOverloaded || candidate.ActiveConnections > weight || weight == 0)
            {
                continue;
            }
            if (highest is null || weight > highestWeight)
            {
                highest = candidate;
                highestWeight = weight;
            }
        }
        return highest;
    }
}
