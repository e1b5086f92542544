using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>
/// wlc, as <c>ip_vs_wlc.c</c>: the least overhead per unit of weight, compared by cross-multiplying
/// instead of dividing; ties stay with the earlier destination in list order.
/// </summary>
public sealed class WeightedLeastConnectionScheduler : IScheduler
{
    public string Name => "wlc";

    public Destination? Schedule(VirtualService service, in FlowInfo flow) =>
        WeightedLeastConnectionChoice.Choose(service.Destinations);
}
