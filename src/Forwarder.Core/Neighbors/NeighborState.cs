namespace Forwarder.Core.Neighbors;

/// <summary>The states of a neighbour entry, as the kernel's <c>NUD_*</c> (include/net/neighbour.h).</summary>
public enum NeighborState : byte
{
    /// <summary>No entry (a free slot).</summary>
    None = 0,

    /// <summary>Being resolved: broadcast requests go out and frames wait for the answer.</summary>
    Incomplete,

    /// <summary>Confirmed by an ARP reply within the reachable time.</summary>
    Reachable,

    /// <summary>Its MAC is kept but no longer confirmed; the next use starts the check.</summary>
    Stale,

    /// <summary>Used while stale: frames go to the kept MAC while a confirmation has delay_first_probe_time to arrive.</summary>
    Delay,

    /// <summary>Re-probed by unicast requests to the kept MAC (frames still go there).</summary>
    Probe,

    /// <summary>No answer: the next frame for it starts a new resolution.</summary>
    Failed,

    /// <summary>A static neighbour of the topology: never aged, never changed by ARP.</summary>
    Permanent,
}
