namespace Forwarder.Core.Services;

/// <summary>
/// One scheduling algorithm bound to one service, as a kernel <c>ip_vs_scheduler</c>: told when the
/// destination list changes, asked for a destination for each new flow. The service's list is in the
/// kernel's order (index 0 is the head, where new destinations go).
/// </summary>
public interface IScheduler
{
    string Name { get; }

    /// <summary>Picks the destination for a new flow, or null when none is usable.</summary>
    Destination? Schedule(VirtualService service, in FlowInfo flow);

    /// <summary>Bound to a service, whose list may already hold destinations (a new service, or -E with another scheduler).</summary>
    void Initialize(VirtualService service)
    {
    }

    /// <summary>A destination was inserted at the head of the list.</summary>
    void OnDestinationAdded(VirtualService service, Destination destination)
    {
    }

    /// <summary>A destination was unlinked from the list; it stood at <paramref name="formerIndex"/>.</summary>
    void OnDestinationRemoved(VirtualService service, Destination destination, int formerIndex)
    {
    }

    /// <summary>A destination's weight or thresholds were edited.</summary>
    void OnDestinationUpdated(VirtualService service, Destination destination)
    {
    }
}
