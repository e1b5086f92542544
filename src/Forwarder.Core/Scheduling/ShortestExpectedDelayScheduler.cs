using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>
/// sed, as <c>ip_vs_sed.c</c>: like wlc but the cost counts the new connection and only active ones,
/// <c>(active + 1) / weight</c>, compared by cross-multiplying; ties stay with the earlier destination.
/// </summary>
public sealed class ShortestExpectedDelayScheduler : IScheduler
{
    public string Name => "sed";

    public Destination? Schedule(VirtualService service, in FlowInfo flow) =>
        WeightedLeastConnectionChoice.Choose(service.Destinations, ExpectedDelayCost);

    internal static long ExpectedDelayCost(Destination destination) => destination.ActiveConnections + 1L;
}
