using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Connections;

/// <summary>
/// One tracked flow, stored by value in the connection table's array: client, virtual and real
/// addresses (IPv4 or IPv6), state, expiry on the engine's clock, and handles to its next hops' neighbour entries.
/// Kept small (see ConnectionTable.EntryBytes) since a director holds a million of them: what only the timer wheel
/// and connection sync read lives beside it in the table (<see cref="ConnectionSyncState"/>), out of the lookup's cache lines.
/// </summary>
public struct Connection
{
    public InetAddress ClientAddress;
    public InetAddress VirtualAddress;
    public InetAddress DestinationAddress;
    public ushort ClientPort;
    public ushort VirtualPort;
    public ushort DestinationPort;
    public byte Protocol;
    public TcpState State;
    public ConnectionFlags Flags;
    public ForwardingMethod Method;

    /// <summary>The interfaces toward the real server and toward the client (bytes, packed beside the flags).</summary>
    public byte ServerInterface;
    public byte ClientInterface;

    /// <summary>Engine time (µs) after which the connection is gone unless a packet renews it.</summary>
    public long ExpiresAt;

    /// <summary>
    /// The neighbour entries of the next hops toward the real server, and toward the client for NAT replies, taken
    /// on first use: each packet reads the entry's MAC as it is now, so a neighbour that ages, is re-probed or
    /// changes its MAC is followed (the kernel's dst holds its neighbour likewise, not a copy of its address).
    /// </summary>
    public NeighborHandle ServerNeighbor;
    public NeighborHandle ClientNeighbor;

    public Destination? Destination;

    /// <summary>The persistence template this connection was scheduled by, as its slot + 1 (0: none).</summary>
    public int ControllingTemplate;

    /// <summary>For a template: how many connections it controls; it outlives its timeout while any do.</summary>
    public int ControlledCount;

    public readonly bool IsInUse => (Flags & ConnectionFlags.InUse) != 0;

    public readonly bool IsTemplate => (Flags & ConnectionFlags.Template) != 0;
}
