using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>
/// lc, as <c>ip_vs_lc.c</c>: the destination with the least overhead (active * 256 + inactive), skipping
/// quiescent and overloaded ones. Only a strictly smaller overhead replaces the current pick, so ties go
/// to the earlier destination in list order. Weights other than 0 do not matter.
/// </summary>
public sealed class LeastConnectionScheduler : IScheduler
{
    public string Name => "lc";

    public Destination? Schedule(VirtualService service, in FlowInfo flow)
    {
        Destination? least = null;
        long leastOverhead = 0;
        var list = service.Destinations;
        for (var index = 0; index < list.Count; index++)
        {
            var candidate = list[index];
            if (candidate.IsOverloaded || candidate.Weight == 0)
            {
                continue;
            }
            var overhead = candidate.Overhead;
            if (least is null || overhead < leastOverhead)
            {
                least = candidate;
                leastOverhead = overhead;
            }
        }
        return least;
    }
}
