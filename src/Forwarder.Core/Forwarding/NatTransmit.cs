using System.Buffers.Binary;
using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Forwarding;

/// <summary>
/// Masquerading (-m), as <c>ip_vs_nat_xmit</c> and IPVS's reply handling: requests get the real server as
/// destination, replies get the virtual service back as source. Both lose one TTL: the request in the kernel's
/// decrement_ttl (a request arriving with TTL 1 is answered "time exceeded" from the VIP instead), the reply in
/// ip_forward. ICMP errors about the
/// connection are rewritten both ways as <c>ip_vs_nat_icmp</c> does. IPv6, as <c>ip_vs_nat_xmit_v6</c>: the same
/// rewrites with the transport checksum carrying the pseudo-header's change (IPv6 has no header checksum), and the
/// hop limit lowered both ways (the kernel's decrement_ttl on the way to the real server, ip6_forward's on the way back),
/// a packet arriving with hop limit 1 answered with ICMPv6 time exceeded instead.
/// </summary>
public sealed class NatTransmit : PacketTransmit
{
    private readonly LocalAnswerTransmit? _answers;

    public NatTransmit(EthernetTransmitter link, NeighborTable neighbors, LocalAnswerTransmit? answers = null)
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
        var hop = TowardServer(ref connection);
        var sent = Link.ReserveCopyOf(context, hop, frame);
        if (sent.IsEmpty)
        {
            return FrameOutcome.DroppedOutputFull;
        }
        HeaderRewriter.SetDestination(sent, fields, connection.DestinationAddress.Ipv4Value, connection.DestinationPort);
        HeaderRewriter.DecrementTtl(sent);
        return Link.Send(context, hop, sent);
    }

    public override FrameOutcome ToClient(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        var hop = TowardClient(ref connection);
        var sent = Link.ReserveCopyOf(context, hop, frame);
        if (sent.IsEmpty)
        {
            return FrameOutcome.DroppedOutputFull;
        }
        if (fields.IsIpv6)
        {
            // The engine has checked the hop limit and the MTU, as ip6_forward before IPVS's FORWARD hook sees the reply.
            Ipv6HeaderRewriter.SetSource(sent, fields, connection.VirtualAddress, connection.VirtualPort);
            Ipv6HeaderRewriter.DecrementHopLimit(sent);
            return Link.Send(context, hop, sent);
        }
        HeaderRewriter.SetSource(sent, fields, connection.VirtualAddress.Ipv4Value, connection.VirtualPort);
        HeaderRewriter.DecrementTtl(sent);
        return Link.Send(context, hop, sent);
    }

    private FrameOutcome ToServerIpv6(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        if (fields.Ttl <= 1)
        {
            // decrement_ttl: the client is told, from the virtual address it sent to (one of the director's own).
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
        Ipv6HeaderRewriter.SetDestination(sent, fields, connection.DestinationAddress, connection.DestinationPort);
        Ipv6HeaderRewriter.DecrementHopLimit(sent);
        return Link.Send(context, hop, sent);
    }

    /// <summary>ip_vs_nat_icmp, client to server: the outer destination and the quoted source become the real server.</summary>
    public override FrameOutcome RelayIcmpToServer(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields, in QuotedPacket quoted)
    {
        if (fields.Ttl <= 1)
        {
            // decrement_ttl, on ip_vs_icmp_xmit's way: nothing answers an ICMP error, so it just dies.
            return FrameOutcome.DroppedTtlExceeded;
        }
        var hop = TowardServer(ref connection);
        var sent = Link.ReserveCopyOf(context, hop, frame);
        if (sent.IsEmpty)
        {
            return FrameOutcome.DroppedOutputFull;
        }
        var ip = sent[FrameLayout.EthernetHeaderLength..];
        var quotedIp = sent[quoted.Offset..];
        BinaryPrimitives.WriteUInt32BigEndian(ip[FrameLayout.Ipv4Destination..], connection.DestinationAddress.Ipv4Value);
        ip[FrameLayout.Ipv4Ttl]--;
        BinaryPrimitives.WriteUInt32BigEndian(quotedIp[FrameLayout.Ipv4Source..], connection.DestinationAddress.Ipv4Value);
        BinaryPrimitives.WriteUInt16BigEndian(quotedIp[(quoted.HeaderLength + FrameLayout.SourcePort)..], connection.DestinationPort);
        FinishIcmpRewrite(sent, fields, quoted);
        return Link.Send(context, hop, sent);
    }

    /// <summary>ip_vs_nat_icmp, server to client: the outer source and the quoted destination become the virtual service.</summary>
    public override FrameOutcome RelayIcmpToClient(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields, in QuotedPacket quoted)
    {
        if (fields.Ttl <= 1)
        {
            return FrameOutcome.DroppedTtlExceeded;
        }
        var hop = TowardClient(ref connection);
        var sent = Link.ReserveCopyOf(context, hop, frame);
        if (sent.IsEmpty)
        {
            return FrameOutcome.DroppedOutputFull;
        }
        var ip = sent[FrameLayout.EthernetHeaderLength..];
        var quotedIp = sent[quoted.Offset..];
        BinaryPrimitives.WriteUInt32BigEndian(ip[FrameLayout.Ipv4Source..], connection.VirtualAddress.Ipv4Value);
        ip[FrameLayout.Ipv4Ttl]--;
        BinaryPrimitives.WriteUInt32BigEndian(quotedIp[FrameLayout.Ipv4Destination..], connection.VirtualAddress.Ipv4Value);
        BinaryPrimitives.WriteUInt16BigEndian(quotedIp[(quoted.HeaderLength + FrameLayout.DestinationPort)..], connection.VirtualPort);
        FinishIcmpRewrite(sent, fields, quoted);
        return Link.Send(context, hop, sent);
    }

    /// <summary>
    /// ip_vs_nat_icmp_v6, client to server: the outer destination and the quoted source become the real server; the hop
    /// limit drops by one on the way (decrement_ttl in __ip_vs_get_out_rt_v6; an error at 1 dies unanswered).
    /// </summary>
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
        Icmpv6ErrorRewriter.TowardServer(sent, fields.TransportOffset, FrameLayout.EthernetHeaderLength + fields.TotalLength, quoted,
            connection.DestinationAddress, connection.DestinationPort);
        Ipv6HeaderRewriter.DecrementHopLimit(sent);
        return Link.Send(context, hop, sent);
    }

    /// <summary>ip_vs_nat_icmp_v6, server to client: the outer source and the quoted destination become the virtual service; routed, so one hop less.</summary>
    public override FrameOutcome RelayIcmpv6ToClient(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields, in Icmpv6QuotedPacket quoted)
    {
        if (fields.HopLimit <= 1)
        {
            return FrameOutcome.DroppedTtlExceeded;
        }
        var hop = TowardClient(ref connection);
        var sent = Link.ReserveCopyOf(context, hop, frame);
        if (sent.IsEmpty)
        {
            return FrameOutcome.DroppedOutputFull;
        }
        Icmpv6ErrorRewriter.TowardClient(sent, fields.TransportOffset, FrameLayout.EthernetHeaderLength + fields.TotalLength, quoted,
            connection.VirtualAddress, connection.VirtualPort);
        return Link.Send(context, hop, sent);
    }

    /// <summary>As the kernel: both IP header checksums and the whole ICMP checksum computed afresh.</summary>
    private static void FinishIcmpRewrite(Span<byte> frame, in PacketFields fields, in QuotedPacket quoted)
    {
        Ipv4HeaderWriter.RecomputeChecksum(frame[FrameLayout.EthernetHeaderLength..]);
        Ipv4HeaderWriter.RecomputeChecksum(frame[quoted.Offset..]);
        var icmp = frame.Slice(fields.TransportOffset, fields.TotalLength - fields.IpHeaderLength);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[IcmpLayout.Checksum..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[IcmpLayout.Checksum..], InternetChecksum.Compute(icmp));
    }
}
