using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>
/// fo, as <c>ip_vs_fo.c</c>: every flow to the non-overloaded destination with the highest weight; on
/// equal weights the earlier one in list order (only a strictly higher weight replaces the pick).
/// Weight 0 never qualifies. Connection counts do not matter.
/// </summary>
public sealed class WeightedFailoverScheduler : IScheduler
{
    public string Name => "fo";

    public Destination? Schedule(VirtualService service, in FlowInfo flow)
    {
        Destination? highest = null;
        var highestWeight = 0;
        var list = service.Destinations;
        for (var index = 0; index < list.Count; index++)
        {
            var candidate = list[index];
            if (!candidate.IsOverloaded && candidate.Weight > highestWeight)
            {
                highest = candidate;
                highestWeight = candidate.Weight;
            }
        }
        return highest;
    }
}
