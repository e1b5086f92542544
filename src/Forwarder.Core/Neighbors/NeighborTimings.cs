namespace Forwarder.Core.Neighbors;

/// <summary>
/// The neighbour table's parameters, with the kernel's ARP defaults (net/ipv4/arp.c's arp_tbl and
/// /proc/sys/net/ipv4/neigh/*), in microseconds where they are times.
/// </summary>
public sealed record NeighborTimings
{
    private const long Second = 1_000_000;

    /// <summary>base_reachable_time: a confirmed entry stays reachable for a random time in [base/2, 3·base/2).</summary>
    public long BaseReachableTime { get; init; } = 30 * Second;

    /// <summary>delay_first_probe_time: how long a stale entry, once used, waits for a confirmation before probing.</summary>
    public long DelayFirstProbeTime { get; init; } = 5 * Second;

    /// <summary>retrans_time: the interval between two requests.</summary>
    public long RetransTime { get; init; } = 1 * Second;

    /// <summary>ucast_solicit: unicast requests to the kept MAC when re-probing.</summary>
    public int UcastSolicit { get; init; } = 3;

    /// <summary>mcast_solicit: broadcast requests when resolving an address afresh.</summary>
    public int McastSolicit { get; init; } = 3;

    /// <summary>
    /// mcast_resolicit: broadcast requests after the unicast ones when re-probing. The kernel's default is 0: a
    /// re-probe that fails ends in FAILED, and the next frame starts a fresh (broadcast) resolution.
    /// </summary>
    public int McastResolicit { get; init; }

    /// <summary>gc_stale_time: a stale entry unused this long may be collected.</summary>
    public long GcStaleTime { get; init; } = 60 * Second;

    /// <summary>gc_thresh1: below this many learned entries nothing is collected (as the kernel's periodic work).</summary>
    public int GcThreshold { get; init; } = 128;

    /// <summary>locktime: an ARP that would change a valid entry's MAC within this time of its last change is ignored.</summary>
    public long LockTime { get; init; } = 1 * Second;

    /// <summary>How often the reachable time is drawn again (the kernel's periodic work: every 300 s).</summary>
    public long ReachableRedraw { get; init; } = 300 * Second;

}
