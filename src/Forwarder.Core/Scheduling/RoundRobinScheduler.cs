using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>
/// rr, as <c>ip_vs_rr.c</c>: remember the destination chosen last and walk on from it around the list,
/// skipping quiescent (weight 0) and overloaded destinations. The walk starts at the list head when
/// nothing was chosen yet, so after adding .254, .253, .252 the first flow goes to .252.
/// </summary>
public sealed class RoundRobinScheduler : IScheduler
{
    /// <summary>The destination chosen last; null stands for the list head.</summary>
    private Destination? _last;

    public string Name => "rr";

    public Destination? Schedule(VirtualService service, in FlowInfo flow)
    {
        var list = service.Destinations;
        var count = list.Count;
        if (count == 0)
        {
            return null;
        }
        // From the head: one pass. From a destination: every other one, then that one again.
        var start = _last is null ? 0 : service.IndexOf(_last) + 1;
        for (var step = 0; step < count; step++)
        {
            var candidate = list[(start + step) % count];
            if (!candidate.IsOverloaded && candidate.Weight > 0)
            {
                _last = candidate;
                return candidate;
            }
        }
        return null;
    }

    public void OnDestinationRemoved(VirtualService service, Destination destination, int formerIndex)
    {
        // The kernel steps back to the entry before the removed one, so the walk resumes where it would have.
        if (ReferenceEquals(_last, destination))
        {
            _last = formerIndex > 0 ? service.Destinations[formerIndex - 1] : null;
        }
    }
}
