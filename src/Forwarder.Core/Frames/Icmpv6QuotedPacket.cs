using System.Buffers.Binary;

namespace Forwarder.Core.Frames;

/// <summary>
/// The IPv6 packet an ICMPv6 error quotes (RFC 4443: as much of it as fits), read as ip_vs_in_icmp_v6 reads it: its
/// addresses, the protocol past its extension headers (walked as the parser walks the outer ones, bounded and inside
/// the quote) and the two ports, which must be in the quote. A quote of a later fragment names no ports.
/// </summary>
public readonly ref struct Icmpv6QuotedPacket
{
    private Icmpv6QuotedPacket(int offset, int transportOffset, byte protocol, InetAddress source, InetAddress destination,
        ushort sourcePort, ushort destinationPort, bool isLaterFragment)
    {
        Offset = offset;
        TransportOffset = transportOffset;
        Protocol = protocol;
        SourceAddress = source;
        DestinationAddress = destination;
        SourcePort = sourcePort;
        DestinationPort = destinationPort;
        IsLaterFragment = isLaterFragment;
    }

    /// <summary>Frame offset of the quoted IPv6 header.</summary>
    public int Offset { get; }

    /// <summary>Frame offset of the quoted transport header (past its extension headers).</summary>
    public int TransportOffset { get; }

    public byte Protocol { get; }

    public InetAddress SourceAddress { get; }

    public InetAddress DestinationAddress { get; }

    public ushort SourcePort { get; }

    public ushort DestinationPort { get; }

    /// <summary>The quote is of a fragment other than the first: no transport header, so no flow to name.</summary>
    public bool IsLaterFragment { get; }

    /// <summary>
    /// Reads the quote of the ICMPv6 error whose message starts at <paramref name="messageOffset"/> and whose packet ends
    /// at <paramref name="end"/> (frame offsets). False when the quote is not IPv6, breaks off inside its headers, or
    /// names a TCP/UDP packet without both ports.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, int messageOffset, int end, out Icmpv6QuotedPacket quoted)
    {
        quoted = default;
        var offset = messageOffset + IcmpLayout.HeaderLength;
        if (end > frame.Length || end - offset < Ipv6Layout.HeaderLength)
        {
            return false;
        }
        var ip = frame[offset..end];
        if ((ip[0] >> 4) != 6)
        {
            return false;
        }
        var next = ip[Ipv6Layout.NextHeader];
        var headerEnd = Ipv6Layout.HeaderLength;
        var laterFragment = false;
        for (var walked = 0; next is Ipv6Layout.HopByHopOptions or Ipv6Layout.Routing or Ipv6Layout.Fragment or Ipv6Layout.DestinationOptions or Ipv6Layout.Authentication; walked++)
        {
            if (walked == Ipv6Layout.MaximumExtensionHeaders || headerEnd + 8 > ip.Length)
            {
                return false;
            }
            var header = ip[headerEnd..];
            var length = next switch
            {
                Ipv6Layout.Fragment => Ipv6Layout.FragmentHeaderLength,
                Ipv6Layout.Authentication => (header[1] + 2) * 4,
                _ => (header[1] + 1) * 8,
            };
            if (next == Ipv6Layout.Fragment &&
                (BinaryPrimitives.ReadUInt16BigEndian(header[Ipv6Layout.FragmentOffsetAndFlags..]) & Ipv6Layout.FragmentOffsetMask) != 0)
            {
                laterFragment = true;
            }
            next = header[0];
            headerEnd += length;
            if (laterFragment)
            {
                break;
            }
        }
        ushort sourcePort = 0, destinationPort = 0;
        if (!laterFragment && next is FrameLayout.ProtocolTcp or FrameLayout.ProtocolUdp)
        {
            if (headerEnd + 4 > ip.Length)
            {
                return false;
            }
            sourcePort = BinaryPrimitives.ReadUInt16BigEndian(ip[(headerEnd + FrameLayout.SourcePort)..]);
            destinationPort = BinaryPrimitives.ReadUInt16BigEndian(ip[(headerEnd + FrameLayout.DestinationPort)..]);
        }
        quoted = new Icmpv6QuotedPacket(offset, offset + headerEnd, next, InetAddress.ReadIpv6(ip[Ipv6Layout.Source..]),
            InetAddress.ReadIpv6(ip[Ipv6Layout.Destination..]), sourcePort, destinationPort, laterFragment);
        return true;
    }
}
