using System.Buffers.Binary;
using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Forwarding;

/// <summary>
/// IP-in-IP tunnelling (-i), as <c>ip_vs_tunnel_xmit</c>: the client's IPv4 packet, untouched, inside a new
/// IPv4 header (protocol 4) from the director's address on the outgoing link to the real server, but for its TTL, one
/// lower (the kernel's decrement_ttl: at 1 the client is told "time exceeded" from the VIP). The outer header copies
/// the inner TOS, DF bit and (lowered) TTL (as ip_vs_prepare_tunneled_skb). A result above the link MTU is split
/// into outer fragments unless DF forbids it, in which case the client is told the MTU to use. ICMP errors from
/// the client's side are not tunnelled (the real server answers the client itself). A connection whose real server
/// has an IPv6 address goes to <see cref="Ipv6TunnelTransmit"/>, as the kernel binds ip_vs_tunnel_xmit_v6 by the
/// destination's family; a client's IPv6 packet to an IPv4 real server goes IPv6-in-IPv4 (protocol 41).
/// </summary>
public sealed class TunnelTransmit : PacketTransmit
{
    public const int OuterHeaderLength = FrameLayout.Ipv4MinimumHeaderLength;

    private readonly DirectorTopology _topology;
    private readonly Ipv4Identification _identification;
    private readonly LocalAnswerTransmit _answers;
    private readonly Ipv6TunnelTransmit _overIpv6;
    // One segment of a merged frame at a time, on its way into the tunnel (CutAndSend).
    private readonly byte[] _segment = new byte[FrameLayout.MaximumFrameLength];

    public TunnelTransmit(EthernetTransmitter link, NeighborTable neighbors, DirectorTopology topology, Ipv4Identification identification, LocalAnswerTransmit answers,
        Ipv6TunnelTransmit overIpv6)
        : base(link, neighbors)
    {
        _topology = topology;
        _identification = identification;
        _answers = answers;
        _overIpv6 = overIpv6;
    }

    /// <summary>Encapsulates; when the result needs fragmenting but the client set DF, answers "fragmentation needed".</summary>
    public override FrameOutcome ToServer(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        if (fields.ChecksumPartial)
        {
            return CutAndSend(context, ref connection, frame, fields);
        }
        if (connection.DestinationAddress.IsIpv6)
        {
            return _overIpv6.ToServer(context, ref connection, frame, fields);
        }
        if (fields.IsIpv6)
        {
            return Ipv6ToServer(context, ref connection, frame, fields);
        }
        if (fields.Ttl <= 1)
        {
            _answers.SendTimeExceededFromVirtualAddress(context, frame, fields);
            return FrameOutcome.DroppedTtlExceeded;
        }
        var link = _topology.Interfaces[connection.ServerInterface];
        var inner = frame.Slice(FrameLayout.EthernetHeaderLength, fields.TotalLength);
        var fragments = FragmentCount(inner.Length, link.Mtu);
        var dontFragment = HasDontFragment(inner);
        if (fragments > 1 && dontFragment)
        {
            _answers.SendFragmentationNeeded(context, inner, InnerMtu(link.Mtu));
            return FrameOutcome.DroppedTooBig;
        }
        var identification = _identification.Next();
        var hop = TowardServer(ref connection);
        var outcome = FrameOutcome.Forwarded;
        for (var index = 0; index < fragments && outcome is FrameOutcome.Forwarded or FrameOutcome.Queued; index++)
        {
            var sent = Link.Reserve(context, hop, FragmentFrameLength(inner.Length, link.Mtu, index));
            if (sent.IsEmpty)
            {
                return FrameOutcome.DroppedOutputFull;
            }
            WriteFragment(sent, inner, link.Mtu, index, link.Address.Value, connection.DestinationAddress.Ipv4Value, identification);
            outcome = Link.Send(context, hop, sent);
        }
        return outcome;
    }

    /// <summary>
    /// A segment whose checksum the device was to finish (run --gro: GRO merged it, up to 64 KiB): the tunnel carries it
    /// as an opaque payload, which no device finishes or cuts, so it is cut here (<see cref="TcpSegmenter"/>) into
    /// segments that fit inside the outer header, checksums complete, and each is tunnelled as the client's own.
    /// </summary>
    private FrameOutcome CutAndSend(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        var linkMtu = _topology.Interfaces[connection.ServerInterface].Mtu;
        var limit = connection.DestinationAddress.IsIpv6 ? Ipv6TunnelTransmit.InnerMtu(linkMtu) : InnerMtu(linkMtu);
        var count = TcpSegmenter.Count(frame, fields, limit);
        if (count == 0)
        {
            return FrameOutcome.DroppedMalformed;
        }
        var outcome = FrameOutcome.Forwarded;
        for (var index = 0; index < count && outcome is FrameOutcome.Forwarded or FrameOutcome.Queued; index++)
        {
            var segment = _segment.AsSpan(0, TcpSegmenter.Write(frame, fields, limit, index, _segment));
            var rejected = fields.IsIpv6 ? Ipv6Parser.Parse(segment, out var segmentFields) : Ipv4Parser.Parse(segment, out segmentFields);
            outcome = rejected ?? ToServer(context, ref connection, segment, segmentFields);
        }
        return outcome;
    }

    /// <summary>
    /// IPv6-in-IPv4, as ip_vs_tunnel_xmit with an IPv6 packet: never fragmented (one too big for the link's MTU less
    /// the outer 20 bytes gets Packet Too Big), so the outer DF bit stays clear as the kernel leaves it; the hop limit
    /// drops by one first (Time Exceeded at 1) and the outer TTL copies it, as the kernel oracle showed (TTL 63 for 64).
    /// </summary>
    private FrameOutcome Ipv6ToServer(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        var link = _topology.Interfaces[connection.ServerInterface];
        var inner = frame.Slice(FrameLayout.EthernetHeaderLength, fields.TotalLength);
        if (fields.HopLimit <= 1)
        {
            _answers.SendTimeExceededFromVirtualAddress(context, frame, fields);
            return FrameOutcome.DroppedTtlExceeded;
        }
        if (inner.Length > InnerMtu(link.Mtu))
        {
            SendPacketTooBig(_answers, context, inner, fields, InnerMtu(link.Mtu));
            return FrameOutcome.DroppedTooBig;
        }
        var hop = TowardServer(ref connection);
        var sent = Link.Reserve(context, hop, TunnelEncapsulation.InIpv4FrameLength(inner.Length));
        if (sent.IsEmpty)
        {
            return FrameOutcome.DroppedOutputFull;
        }
        TunnelEncapsulation.WriteIpv6InIpv4(sent, inner, link.Address.Value, connection.DestinationAddress.Ipv4Value, _identification.Next());
        var ip = sent[FrameLayout.EthernetHeaderLength..];
        ip[OuterHeaderLength + Ipv6Layout.HopLimit]--;
        HeaderRewriter.DecrementTtl(sent);
        return Link.Send(context, hop, sent);
    }

    /// <summary>
    /// Packet Too Big (RFC 4443 3.2) to a client whose IPv6 packet the tunnel cannot carry, from the address it sent to
    /// (icmpv6_send answers from the local VIP; the kernel oracle showed it so), with the inner MTU it must keep to.
    /// </summary>
    internal static void SendPacketTooBig(LocalAnswerTransmit answers, in FrameContext context, ReadOnlySpan<byte> inner, in PacketFields fields, int mtu)
    {
        // The kernel lowers the hop limit before it checks the MTU, so its quote shows the lowered one.
        Span<byte> quote = stackalloc byte[Math.Min(inner.Length, Icmpv6Errors.MaximumQuote)];
        inner[..quote.Length].CopyTo(quote);
        quote[Ipv6Layout.HopLimit]--;
        answers.SendIpv6Error(context, Icmpv6Errors.PacketTooBig, 0, quote, fields.DestinationAddress, fields.SourceAddress, (uint)mtu);
    }

    /// <summary>Whether an IPv4 packet forbids fragmenting (RFC 791's DF bit).</summary>
    public static bool HasDontFragment(ReadOnlySpan<byte> ipv4) =>
        (BinaryPrimitives.ReadUInt16BigEndian(ipv4[FrameLayout.Ipv4FlagsAndFragment..]) & FrameLayout.Ipv4DontFragment) != 0;

    public override FrameOutcome RelayIcmpToServer(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields, in QuotedPacket quoted) =>
        FrameOutcome.NotOurs;

    /// <summary>The largest inner packet the link carries without fragmenting the outer one.</summary>
    public static int InnerMtu(int linkMtu) => linkMtu - OuterHeaderLength;

    /// <summary>How many outer fragments an inner packet of <paramref name="innerLength"/> bytes needs on this link.</summary>
    public static int FragmentCount(int innerLength, int linkMtu)
    {
        var perFragment = FragmentPayload(linkMtu);
        return innerLength + OuterHeaderLength <= linkMtu ? 1 : (innerLength + perFragment - 1) / perFragment;
    }

    /// <summary>The length of outer fragment <paramref name="index"/>'s frame (Ethernet header included).</summary>
    public static int FragmentFrameLength(int innerLength, int linkMtu, int index)
    {
        var count = FragmentCount(innerLength, linkMtu);
        if (count == 1)
        {
            return FrameLayout.EthernetHeaderLength + OuterHeaderLength + innerLength;
        }
        var perFragment = FragmentPayload(linkMtu);
        var payload = index < count - 1 ? perFragment : innerLength - (perFragment * (count - 1));
        return FrameLayout.EthernetHeaderLength + OuterHeaderLength + payload;
    }

    /// <summary>
    /// Writes outer fragment <paramref name="index"/> (the whole packet when it fits) of the encapsulation of
    /// <paramref name="inner"/>, from its IPv4 header on (the Ethernet header is the transmitter's). The inner packet
    /// leaves one TTL lower, and the outer header carries that TTL.
    /// </summary>
    public static void WriteFragment(Span<byte> frame, ReadOnlySpan<byte> inner, int linkMtu, int index, uint source, uint destination, ushort identification)
    {
        var count = FragmentCount(inner.Length, linkMtu);
        var perFragment = FragmentPayload(linkMtu);
        var offset = count == 1 ? 0 : index * perFragment;
        var payload = count == 1 ? inner : inner.Slice(offset, Math.Min(perFragment, inner.Length - offset));
        var innerFlags = BinaryPrimitives.ReadUInt16BigEndian(inner[FrameLayout.Ipv4FlagsAndFragment..]);
        var flags = (ushort)((innerFlags & FrameLayout.Ipv4DontFragment) | (offset / 8));
        if (index < count - 1)
        {
            flags |= FrameLayout.Ipv4MoreFragments;
        }
        Ipv4HeaderWriter.WriteHeader(frame[FrameLayout.EthernetHeaderLength..], inner[FrameLayout.Ipv4Tos], OuterHeaderLength + payload.Length,
            identification, flags, (byte)(inner[FrameLayout.Ipv4Ttl] - 1), FrameLayout.ProtocolIpInIp, source, destination);
        payload.CopyTo(frame[(FrameLayout.EthernetHeaderLength + OuterHeaderLength)..]);
        if (offset == 0)
        {
            HeaderRewriter.DecrementTtl(frame[OuterHeaderLength..]);
        }
    }

    private static int FragmentPayload(int linkMtu) => (linkMtu - OuterHeaderLength) & ~7;
}
