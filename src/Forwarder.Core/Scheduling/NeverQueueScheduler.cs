using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>
/// nq, as <c>ip_vs_nq.c</c>: the first usable destination (not overloaded, weight &gt; 0) with no active
/// connection gets the flow at once; when every usable one is busy, sed's rule decides.
/// </summary>
public sealed class NeverQueueScheduler : IScheduler
{
    public string Name => "nq";

    public Destination? Schedule(VirtualService service, in FlowInfo flow)
    {
        Destination? least = null;
        long leastCost = 0;
        var list = service.Destinations;
        for (var index = 0; index < list.Count; index++)
        {
            var candidate = list[index];
            if (candidate.IsOverloaded || candidate.Weight == 0)
            {
                continue;
            }
            if (candidate.ActiveConnections == 0)
            {
                return candidate;
            }
            long cost = ShortestExpectedDelayScheduler.ExpectedDelayCost(candidate);
            if (least is null || leastCost * candidate.Weight > cost * least.Weight)
            {
                least = candidate;
                leastCost = cost;
            }
        }
        return least;
    }
}
