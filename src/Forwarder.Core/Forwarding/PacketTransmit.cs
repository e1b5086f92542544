using System.Runtime.CompilerServices;
using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Forwarding;

/// <summary>
/// A forwarding method, as the kernel's <c>cp-&gt;packet_xmit</c>: bound to a connection when it is created (the
/// connection's <see cref="Connection.Method"/> indexes the <see cref="TransmitTable"/>), it owns the whole way
/// out for that connection's packets: the rewrite, the next hop, the MTU, and the frame's one Ethernet header.
/// The engine only classifies, looks up and schedules, then calls it.
/// </summary>
public abstract class PacketTransmit
{
    protected PacketTransmit(EthernetTransmitter link, NeighborTable neighbors)
    {
        Link = link;
        Neighbors = neighbors;
    }

    protected EthernetTransmitter Link { get; }

    protected NeighborTable Neighbors { get; }

    /// <summary>A client's packet to the connection's real server (ip_vs_in's packet_xmit).</summary>
    public abstract FrameOutcome ToServer(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields);

    /// <summary>The real server's reply to the client; only a method whose replies pass the director has one.</summary>
    public virtual FrameOutcome ToClient(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields) =>
        FrameOutcome.NotOurs;

    /// <summary>
    /// An ICMP error from the client's side about a packet of this connection, passed on to the real server
    /// (ip_vs_in_icmp: as the method passes the connection's packets; NAT rewrites it, ip_vs_nat_icmp).
    /// </summary>
    public abstract FrameOutcome RelayIcmpToServer(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields, in QuotedPacket quoted);

    /// <summary>An ICMP error from the real server's side about a packet of this connection, to the client (NAT only).</summary>
    public virtual FrameOutcome RelayIcmpToClient(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields, in QuotedPacket quoted) =>
        FrameOutcome.NotOurs;

    /// <summary>
    /// An ICMPv6 error from the client's side about an IPv6 packet of this connection (ip_vs_in_icmp_v6), passed on to
    /// the real server as the method passes the connection's packets.
    /// </summary>
    public virtual FrameOutcome RelayIcmpv6ToServer(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields, in Icmpv6QuotedPacket quoted) =>
        FrameOutcome.NotOursIpv6;

    /// <summary>An ICMPv6 error from the real server's side about a packet of this connection, to the client (ip_vs_out_icmp_v6; NAT only).</summary>
    public virtual FrameOutcome RelayIcmpv6ToClient(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields, in Icmpv6QuotedPacket quoted) =>
        FrameOutcome.NotOursIpv6;

    /// <summary>
    /// The next hop toward the real server: the MAC of the neighbour entry the connection holds, when that entry may
    /// be used as it is (one read); else the entry is looked up by address and used (a stale one starts its check,
    /// an unresolved one leaves the MAC unknown so the frame waits), and the connection keeps its handle.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected NextHop TowardServer(ref Connection connection) =>
        Neighbors.TryUseCached(connection.ServerNeighbor, out var mac)
            ? new NextHop(connection.ServerInterface, connection.DestinationAddress, mac)
            : ResolveServer(ref connection);

    /// <summary>The next hop toward the client, for NAT replies, likewise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected NextHop TowardClient(ref Connection connection) =>
        Neighbors.TryUseCached(connection.ClientNeighbor, out var mac)
            ? new NextHop(connection.ClientInterface, connection.ClientAddress, mac)
            : ResolveClient(ref connection);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private NextHop ResolveServer(ref Connection connection)
    {
        Neighbors.TryRoute(connection.DestinationAddress, out var nextHop, out _);
        Neighbors.TryUse(nextHop, out var mac, out connection.ServerNeighbor);
        return new NextHop(connection.ServerInterface, nextHop, mac);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private NextHop ResolveClient(ref Connection connection)
    {
        Neighbors.TryRoute(connection.ClientAddress, out var nextHop, out _);
        Neighbors.TryUse(nextHop, out var mac, out connection.ClientNeighbor);
        return new NextHop(connection.ClientInterface, nextHop, mac);
    }
}
