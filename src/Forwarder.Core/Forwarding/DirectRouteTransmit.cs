using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Forwarding;

/// <summary>
/// Direct routing (-g), as <c>ip_vs_dr_xmit</c>: the packet is sent unchanged to the real server's MAC, which
/// holds the virtual address itself and answers the client directly; so only the Ethernet header is new, but for the
/// TTL (IPv6's hop limit), which the kernel's decrement_ttl lowers on the way (at 1 the client is told "time exceeded"
/// from the VIP instead). ICMP errors about the connection go the same way, a TTL lower (at 1 they die unanswered).
/// </summary>
public sealed class DirectRouteTransmit : PacketTransmit
{
    private readonly LocalAnswerTransmit? _answers;

    public DirectRouteTransmit(EthernetTransmitter link, NeighborTable neighbors, LocalAnswerTransmit? answers = null)
        : base(link, neighbors)
    {
        _answers = answers;
    }

    public override FrameOutcome ToServer(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        if (fields.IsIpv6)
        {
            return ToServerIpv6(context, ref connection, frame, fields);
        }
        if (fields.Ttl <= 1)
        {
            _answers?.SendTimeExceededFromVirtualAddress(context, frame, fields);
            return FrameOutcome.DroppedTtlExceeded;
        }
        return OneHopOn(context, ref connection, frame);
    }

    private FrameOutcome ToServerIpv6(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        if (fields.Ttl <= 1)
        {
            _answers?.SendTimeExceededFromVirtualAddress(context, frame, fields);
            return FrameOutcome.DroppedTtlExceeded;
        }
        if (_answers is not null && _answers.RefusedAsTooBig(context, frame, fields, connection.ServerInterface, fields.DestinationAddress))
        {
            return FrameOutcome.DroppedTooBig;
        }
        var hop = TowardServer(ref connection);
        var sent = Link.ReserveCopyOf(context, hop, frame);
        if (sent.IsEmpty)
        {
            return FrameOutcome.DroppedOutputFull;
        }
        Ipv6HeaderRewriter.DecrementHopLimit(sent);
        return Link.Send(context, hop, sent);
    }

    public override FrameOutcome RelayIcmpToServer(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields, in QuotedPacket quoted) =>
        fields.Ttl <= 1 ? FrameOutcome.DroppedTtlExceeded : OneHopOn(context, ref connection, frame);

    /// <summary>An ICMPv6 error from the clients' side, as the connection's packets: unchanged but the hop limit (an error at 1 dies unanswered).</summary>
    public override FrameOutcome RelayIcmpv6ToServer(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields, in Icmpv6QuotedPacket quoted)
    {
        if (fields.HopLimit <= 1)
        {
            return FrameOutcome.DroppedTtlExceeded;
        }
        var hop = TowardServer(ref connection);
        var sent = Link.ReserveCopyOf(context, hop, frame);
        if (sent.IsEmpty)
        {
            return FrameOutcome.DroppedOutputFull;
        }
        Ipv6HeaderRewriter.DecrementHopLimit(sent);
        return Link.Send(context, hop, sent);
    }

    /// <summary>An IPv4 packet on to the real server's MAC, one TTL lower.</summary>
    private FrameOutcome OneHopOn(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame)
    {
        var hop = TowardServer(ref connection);
        var sent = Link.ReserveCopyOf(context, hop, frame);
        if (sent.IsEmpty)
        {
            return FrameOutcome.DroppedOutputFull;
        }
        HeaderRewriter.DecrementTtl(sent);
        return Link.Send(context, hop, sent);
    }
}
