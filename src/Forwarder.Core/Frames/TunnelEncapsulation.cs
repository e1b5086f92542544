using System.Buffers.Binary;

namespace Forwarder.Core.Frames;

/// <summary>
/// The outer headers of IPVS's tunnels for either family inside either family, as ip_vs_tunnel_xmit and
/// ip_vs_tunnel_xmit_v6 build them: the client's packet untouched behind a new header whose protocol names the inner
/// family (4 for IPv4, 41 for IPv6), whose TOS or traffic class and TTL or hop limit are the inner packet's (as
/// ip_vs_prepare_tunneled_skb copies them), with flow label 0. Each writer fills a frame from its IP header on; the
/// Ethernet header is the transmitter's.
/// </summary>
public static class TunnelEncapsulation
{
    /// <summary>IPPROTO_IPV6: an IPv6 packet inside IPv4 or IPv6 (RFC 4213, RFC 2473).</summary>
    public const byte ProtocolIpv6 = 41;

    public const int Ipv6OuterLength = Ipv6Layout.HeaderLength;

    /// <summary>An outer IPv6 header plus the Fragment header every piece of a fragmented one carries.</summary>
    public const int Ipv6FragmentOverhead = Ipv6Layout.HeaderLength + Ipv6Layout.FragmentHeaderLength;

    public static bool IsIpv6(ReadOnlySpan<byte> inner) => (inner[0] >> 4) == 6;

    /// <summary>The outer protocol (Next Header) for <paramref name="inner"/>: IP-in-IP for IPv4, 41 for IPv6.</summary>
    public static byte OuterProtocol(ReadOnlySpan<byte> inner) => IsIpv6(inner) ? ProtocolIpv6 : FrameLayout.ProtocolIpInIp;

    /// <summary>The inner TOS (IPv4) or traffic class (IPv6), which the outer header copies.</summary>
    public static byte InnerTrafficClass(ReadOnlySpan<byte> inner) =>
        IsIpv6(inner) ? Ipv6HeaderWriter.TrafficClass(inner) : inner[FrameLayout.Ipv4Tos];

    /// <summary>The inner TTL (IPv4) or hop limit (IPv6), which the outer header copies.</summary>
    public static byte InnerHopLimit(ReadOnlySpan<byte> inner) =>
        IsIpv6(inner) ? inner[Ipv6Layout.HopLimit] : inner[FrameLayout.Ipv4Ttl];

    /// <summary>The frame length of <paramref name="innerLength"/> bytes inside one outer IPv6 header.</summary>
    public static int InIpv6FrameLength(int innerLength) => FrameLayout.EthernetHeaderLength + Ipv6OuterLength + innerLength;

    /// <summary>Writes <paramref name="inner"/> (IPv4 or IPv6) inside an IPv6 header from <paramref name="source"/> to the real server.</summary>
    public static void WriteInIpv6(Span<byte> frame, ReadOnlySpan<byte> inner, InetAddress source, InetAddress destination)
    {
        var ip = frame[FrameLayout.EthernetHeaderLength..];
        Ipv6HeaderWriter.WriteHeader(ip, InnerTrafficClass(inner), inner.Length, OuterProtocol(inner), InnerHopLimit(inner), source, destination);
        inner.CopyTo(ip[Ipv6OuterLength..]);
    }

    /// <summary>
    /// How many outer IPv6 fragments an inner packet needs on a link of <paramref name="linkMtu"/>: 1 when it fits
    /// whole (no Fragment header then). Only an IPv4 packet without DF is ever split so (ip6_fragment, since IPVS sets
    /// ignore_df on its tunnel packets); an IPv6 one too big is refused with Packet Too Big instead.
    /// </summary>
    public static int Ipv6FragmentCount(int innerLength, int linkMtu)
    {
        if (Ipv6OuterLength + innerLength <= linkMtu)
        {
            return 1;
        }
        var perFragment = Ipv6FragmentPayload(linkMtu);
        return (innerLength + perFragment - 1) / perFragment;
    }

    /// <summary>The frame length of outer IPv6 fragment <paramref name="index"/> (the whole packet when it fits).</summary>
    public static int Ipv6FragmentFrameLength(int innerLength, int linkMtu, int index)
    {
        var count = Ipv6FragmentCount(innerLength, linkMtu);
        if (count == 1)
        {
            return InIpv6FrameLength(innerLength);
        }
        var perFragment = Ipv6FragmentPayload(linkMtu);
        var payload = index < count - 1 ? perFragment : innerLength - (perFragment * (count - 1));
        return FrameLayout.EthernetHeaderLength + Ipv6FragmentOverhead + payload;
    }

    /// <summary>
    /// Writes outer fragment <paramref name="index"/> of <paramref name="inner"/> inside IPv6 (RFC 8200 4.5): the outer
    /// header's Next Header is Fragment (44), then an 8-byte Fragment header naming the inner protocol, offset in
    /// 8-byte units, More Fragments on all but the last, one <paramref name="identification"/> for all. When the
    /// packet fits, this is <see cref="WriteInIpv6"/>.
    /// </summary>
    public static void WriteIpv6Fragment(Span<byte> frame, ReadOnlySpan<byte> inner, int linkMtu, int index, InetAddress source, InetAddress destination, uint identification)
    {
        var count = Ipv6FragmentCount(inner.Length, linkMtu);
        if (count == 1)
        {
            WriteInIpv6(frame, inner, source, destination);
            return;
        }
        var perFragment = Ipv6FragmentPayload(linkMtu);
        var offset = index * perFragment;
        var payload = inner.Slice(offset, Math.Min(perFragment, inner.Length - offset));
        var ip = frame[FrameLayout.EthernetHeaderLength..];
        Ipv6HeaderWriter.WriteHeader(ip, InnerTrafficClass(inner), Ipv6Layout.FragmentHeaderLength + payload.Length, Ipv6Layout.Fragment,
            InnerHopLimit(inner), source, destination);
        var fragment = ip[Ipv6OuterLength..];
        fragment[0] = OuterProtocol(inner);
        fragment[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(fragment[Ipv6Layout.FragmentOffsetAndFlags..],
            (ushort)(offset | (index < count - 1 ? Ipv6Layout.MoreFragments : 0)));
        BinaryPrimitives.WriteUInt32BigEndian(fragment[4..], identification);
        payload.CopyTo(ip[Ipv6FragmentOverhead..]);
    }

    /// <summary>The frame length of an IPv6 packet of <paramref name="innerLength"/> bytes inside one IPv4 header.</summary>
    public static int InIpv4FrameLength(int innerLength) => FrameLayout.EthernetHeaderLength + FrameLayout.Ipv4MinimumHeaderLength + innerLength;

    /// <summary>
    /// Writes an IPv6 packet inside IPv4 (protocol 41). The outer DF bit is clear, as ip_vs_prepare_tunneled_skb leaves
    /// it for an IPv6 inner packet: one too big for the link was refused with Packet Too Big before this.
    /// </summary>
    public static void WriteIpv6InIpv4(Span<byte> frame, ReadOnlySpan<byte> inner, uint source, uint destination, ushort identification)
    {
        var ip = frame[FrameLayout.EthernetHeaderLength..];
        Ipv4HeaderWriter.WriteHeader(ip, InnerTrafficClass(inner), FrameLayout.Ipv4MinimumHeaderLength + inner.Length, identification, 0,
            InnerHopLimit(inner), ProtocolIpv6, source, destination);
        inner.CopyTo(ip[FrameLayout.Ipv4MinimumHeaderLength..]);
    }

    /// <summary>Bytes of the inner packet per outer IPv6 fragment: what the link leaves after both headers, in 8-byte units.</summary>
    private static int Ipv6FragmentPayload(int linkMtu) => (linkMtu - Ipv6FragmentOverhead) & ~7;
}
