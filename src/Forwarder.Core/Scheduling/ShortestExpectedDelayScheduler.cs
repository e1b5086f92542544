using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>
/// sed, as <c>ip_vs_sed.c</c>: like wlc but the cost counts the new connection and only active ones,
/// <c>(active + 1) / weight</c>, compared by cross-multiplying; ties stay with the earlier destination.
/// </summary>
public sealed class ShortestExpectedDelayScheduler : IScheduler
{
    public string Name => "sed";

    public Destination? Schedule(VirtualService service, in FlowInfo flow)
    {
        var list = service.Destinations;
        var count = list.Count;
        var index = 0;
        Destination? least = null;
        for (; index < count; index++)
        {
            var candidate = list[index];
            if (!candidate.IsOverloaded && candidate.Weight > 0)
            {
                least = candidate;
                break;
            }
        }
        if (least is null)
        {
            return null;
        }
        long leastCost = ExpectedDelayCost(least);
        for (index++; index < count; index++)
        {
            var candidate = list[index];
            if (candidate.IsOverloaded)
            {
                continue;
            }
            long cost = ExpectedDelayCost(candidate);
            // A quiescent destination multiplies the left side by 0 and so never wins.
            if (leastCost * candidate.Weight > cost * least.Weight)
            {
                least = candidate;
                leastCost = cost;
            }
        }
        return least;
    }

    internal static int ExpectedDelayCost(Destination destination) => destination.ActiveConnections + 1;
}
