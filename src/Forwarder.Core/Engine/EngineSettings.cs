namespace Forwarder.Core.Engine;

/// <summary>
/// Choices about what the engine does: where it runs, and the kernel's <c>net.ipv4.vs.*</c> switches that
/// decide what happens when a packet meets a connection that should not carry it any more. Each of those
/// starts at Linux's default.
/// </summary>
public sealed class EngineSettings
{
    /// <summary>
    /// Answer ARP and ICMP echo for the director's own interface addresses. In replay nothing else would;
    /// live, the host's kernel already does, so the director only speaks for its virtual addresses.
    /// </summary>
    public bool AnswerForOwnAddresses { get; init; } = true;

    /// <summary>
    /// Whether the director starts owning every service's virtual address (a standalone director), or none (a VRRP backup,
    /// which takes addresses when keepalived makes it MASTER): <see cref="Ownership.VirtualAddressOwnership"/>.
    /// </summary>
    public bool OwnsEveryServiceAddress { get; init; } = true;

    /// <summary>
    /// <c>conn_reuse_mode</c> (default 1): with bit 1 set, a SYN that meets a connection in TIME_WAIT or CLOSE
    /// (one no persistence template controls) ends that connection at once and is scheduled afresh; with
    /// bit 2 also set, so does a SYN meeting a FIN_WAIT connection whose replies bypass the director
    /// (direct routing, tunnelling). 0 leaves such SYNs to the old connection.
    /// </summary>
    public int ConnectionReuseMode { get; init; } = 1;

    /// <summary>
    /// <c>expire_nodest_conn</c> (default off): when on, a packet of a connection whose real server was
    /// removed ends that connection and, if it can open one, is scheduled afresh (a SYN meeting a connection
    /// to a quiescent server likewise); when off, such packets are dropped while the connection times out.
    /// </summary>
    public bool ExpireNoDestinationConnections { get; init; }

    /// <summary>
    /// <c>expire_quiescent_template</c> (default off): when on, a persistence template whose server has
    /// weight 0 no longer pins its client, as if the server had been removed.
    /// </summary>
    public bool ExpireQuiescentTemplates { get; init; }

    /// <summary>
    /// <c>sloppy_tcp</c> (default off): when on, any TCP segment without RST may open a connection, not only a
    /// SYN, as Linux's tcp_conn_schedule lets it. Directors side by side behind ECMP need it: a flow that the
    /// router moves to another director (one died, the next hops changed) arrives there mid-stream, and with a
    /// consistent scheduler (mh) the new director picks the same real server and the flow goes on.
    /// </summary>
    public bool SloppyTcp { get; init; }

    /// <summary>
    /// Whether the interfaces hand over GRO's merged frames (<c>run --gro</c>): TCP segments of up to 64 KiB whose
    /// checksum is partial (<see cref="Frames.PartialChecksum"/>). The engine then recognises such checksums and keeps
    /// them partial through its rewrites; the sender has the kernel finish them and cut the segment to the MTU.
    /// </summary>
    public bool TakesMergedFrames { get; init; }

    /// <summary>
    /// Connections from which <see cref="DirectorEngine.HintGroup"/> prefetches lookups: below it the table stays
    /// mostly in the caches, where a hint only costs its parse and hash (README, Performance).
    /// </summary>
    public int HintedTableSize { get; init; } = 1 << 12;
}
