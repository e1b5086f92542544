namespace Forwarder.Core.Frames;

/// <summary>What the engine did with one frame. Every outcome has a counter; the drop reasons say why nothing went out.</summary>
public enum FrameOutcome
{
    /// <summary>Rewritten and sent on.</summary>
    Forwarded,

    /// <summary>Answered by the director itself (ARP, ICMP echo).</summary>
    Answered,

    /// <summary>Ready, but waiting for ARP to find its next hop's MAC.</summary>
    Queued,

    /// <summary>Not addressed to the director or to anything it serves: left alone.</summary>
    NotOurs,

    /// <summary>An IPv6 frame not addressed to the director or to anything it serves (IPv6's <see cref="NotOurs"/>): left alone.</summary>
    NotOursIpv6,

    /// <summary>For a virtual address (or a connection to one) this director does not own now, a VRRP backup: left alone.</summary>
    NotOursUnowned,

    /// <summary>Shorter than its headers say, or with impossible header fields.</summary>
    DroppedMalformed,

    DroppedBadIpChecksum,

    /// <summary>An IPv4 fragment, or an IPv6 packet with a Fragment header (see README: fragments are refused).</summary>
    DroppedFragment,

    /// <summary>An 802.1Q-tagged frame: the director serves untagged links only.</summary>
    DroppedVlanTagged,

    /// <summary>A TCP segment other than a SYN for a virtual service, with no connection (as IPVS).</summary>
    DroppedNoConnection,

    /// <summary>A new flow for a service with no usable real server (the client is sent ICMP port unreachable, as ip_vs_leave).</summary>
    DroppedNoDestination,

    /// <summary>A new flow refused because the connection table is full.</summary>
    DroppedTableFull,

    /// <summary>The next hop's MAC address is unknown.</summary>
    DroppedNoNeighbor,

    /// <summary>A routed reply whose TTL ran out (the sender is told with ICMP time exceeded).</summary>
    DroppedTtlExceeded,

    /// <summary>No route toward the destination: not on a link of ours and no default gateway.</summary>
    DroppedNoRoute,

    /// <summary>Too big for the tunnel with DF set: the client is told the MTU (ICMP fragmentation needed).</summary>
    DroppedTooBig,

    /// <summary>A new masqueraded flow with no room left in the masquerade table or its port range.</summary>
    DroppedMasqueradeFull,

    /// <summary>The caller's output buffer had no room left.</summary>
    DroppedOutputFull,

    /// <summary>
    /// A client packet of a connection whose real server was removed from its service: as IPVS with
    /// expire_nodest_conn at its default 0, it is dropped and the connection left to time out.
    /// </summary>
    DroppedDestinationUnavailable,
}
