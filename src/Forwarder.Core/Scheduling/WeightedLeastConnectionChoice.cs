using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>
/// The weighted least-cost pick that wlc, lblc and lblcr share in the kernel (and sed, with its own cost):
/// start from the first destination that is neither overloaded nor quiescent, then walk on and take a
/// destination when <c>cost(least) * weight(d) &gt; cost(d) * weight(least)</c>. The comparison is strict, so
/// on a tie the earlier destination in list order stays; a weight-0 destination can never win it.
/// </summary>
internal static class WeightedLeastConnectionChoice
{
    /// <summary>wlc's cost: <c>ip_vs_dest_conn_overhead</c>.</summary>
    public static Destination? Choose(IReadOnlyList<Destination> list) => Choose(list, OverheadOf);

    public static Destination? Choose(IReadOnlyList<Destination> list, Func<Destination, long> costOf)
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
        var leastCost = costOf(least);
        for (index++; index < count; index++)
        {
            var candidate = list[index];
            if (candidate.IsOverloaded)
            {
                continue;
            }
            var cost = costOf(candidate);
            if (leastCost * candidate.Weight > cost * least.Weight)
            {
                least = candidate;
                leastCost = cost;
            }
        }
        return least;
    }

    private static long OverheadOf(Destination destination) => destination.Overhead;
}
