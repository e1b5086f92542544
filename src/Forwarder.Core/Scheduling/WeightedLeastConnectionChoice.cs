using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>
/// The weighted least-connection pick that wlc, lblc and lblcr share in the kernel: start from the first
/// destination that is neither overloaded nor quiescent, then walk on and take a destination when
/// <c>overhead(least) * weight(d) &gt; overhead(d) * weight(least)</c>. The comparison is strict, so on a
/// tie the earlier destination in list order stays; a weight-0 destination can never win it.
/// </summary>
internal static class WeightedLeastConnectionChoice
{
    public static Destination? Choose(IReadOnlyList<Destination> list)
    {
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
        var leastOverhead = least.Overhead;
        for (index++; index < count; index++)
        {
            var candidate = list[index];
            if (candidate.IsOverloaded)
            {
                continue;
            }
            var overhead = candidate.Overhead;
            if (leastOverhead * candidate.Weight > overhead * least.Weight)
            {
                least = candidate;
                leastOverhead = overhead;
            }
        }
        return least;
    }
}
