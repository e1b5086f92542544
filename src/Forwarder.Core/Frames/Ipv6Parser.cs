using System.Buffers.Binary;

namespace Forwarder.Core.Frames;

/// <summary>
/// Checks an Ethernet II frame carrying IPv6 as the kernel's ipv6_rcv would (version, payload length within the
/// frame) and walks its extension headers to the transport, as ipv6_skip_exthdr does: Hop-by-Hop, Routing and
/// Destination Options by their length, Authentication by its own, a Fragment header noted. The walk is bounded
/// (<see cref="Ipv6Layout.MaximumExtensionHeaders"/>) and every header must lie inside the payload. Fragments are
/// handled as IPv4's: marked, the ports read only from a first fragment, and refused by the engine.
/// </summary>
public static class Ipv6Parser
{
    /// <summary>Null when the frame is a well-formed IPv6 packet, else the outcome that ends its processing.</summary>
    public static FrameOutcome? Parse(ReadOnlySpan<byte> frame, out PacketFields fields)
    {
        fields = default;
        if (frame.Length < FrameLayout.EthernetHeaderLength + Ipv6Layout.HeaderLength)
        {
            return FrameOutcome.DroppedMalformed;
        }
        var ip = frame[FrameLayout.EthernetHeaderLength..];
        var totalLength = Ipv6Layout.HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(ip[Ipv6Layout.PayloadLength..]);
        if ((ip[0] >> 4) != 6 || totalLength > ip.Length)
        {
            // A jumbogram (payload length 0 with a Hop-by-Hop jumbo option) is never on an Ethernet link: malformed too.
            return FrameOutcome.DroppedMalformed;
        }
        ip = ip[..totalLength];
        fields.TotalLength = totalLength;
        fields.Family = IpFamily.Ipv6;
        fields.Ttl = ip[Ipv6Layout.HopLimit];
        fields.SourceAddress = InetAddress.ReadIpv6(ip[Ipv6Layout.Source..]);
        fields.DestinationAddress = InetAddress.ReadIpv6(ip[Ipv6Layout.Destination..]);
        var next = ip[Ipv6Layout.NextHeader];
        var offset = Ipv6Layout.HeaderLength;
        var firstFragment = true;
        while (IsExtension(next))
        {
            if (++fields.ExtensionHeaders > Ipv6Layout.MaximumExtensionHeaders || offset + 8 > ip.Length)
            {
                return FrameOutcome.DroppedMalformed;
            }
            var header = ip[offset..];
            int length;
            if (next == Ipv6Layout.Fragment)
            {
                var offsetAndFlags = BinaryPrimitives.ReadUInt16BigEndian(header[Ipv6Layout.FragmentOffsetAndFlags..]);
                if ((offsetAndFlags & (Ipv6Layout.FragmentOffsetMask | Ipv6Layout.MoreFragments)) != 0)
                {
                    fields.IsFragment = true;
                    firstFragment &= (offsetAndFlags & Ipv6Layout.FragmentOffsetMask) == 0;
                }
                length = Ipv6Layout.FragmentHeaderLength;
            }
            else
            {
                length = next == Ipv6Layout.Authentication ? (header[1] + 2) * 4 : (header[1] + 1) * 8;
            }
            if (offset + length > ip.Length)
            {
                return FrameOutcome.DroppedMalformed;
            }
            next = header[0];
            offset += length;
            if (fields.IsFragment && !firstFragment)
            {
                // A later fragment's payload is not a header: stop at it.
                break;
            }
        }
        fields.Protocol = next;
        fields.IpHeaderLength = offset;
        fields.TransportOffset = FrameLayout.EthernetHeaderLength + offset;
        var transport = ip[offset..];
        if (fields.IsFragment)
        {
            if (firstFragment && transport.Length >= 4 && next is FrameLayout.ProtocolTcp or FrameLayout.ProtocolUdp)
            {
                (fields.SourcePort, fields.DestinationPort) = TransportHeader.Ports(transport);
            }
            return null;
        }
        switch (next)
        {
            case FrameLayout.ProtocolTcp or FrameLayout.ProtocolUdp:
                if (!TransportHeader.IsWellFormed(next, transport, out fields.TcpFlags))
                {
                    return FrameOutcome.DroppedMalformed;
                }
                break;
            case Ipv6Layout.ProtocolIcmpv6:
                if (transport.Length < IcmpLayout.HeaderLength)
                {
                    return FrameOutcome.DroppedMalformed;
                }
                fields.IcmpType = transport[IcmpLayout.Type];
                if (fields.IcmpType is Icmpv6EchoRequest or Icmpv6EchoReply && transport.Length >= 8)
                {
                    fields.SourcePort = fields.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(transport[IcmpLayout.Identifier..]);
                }
                return null;
            default:
                return null;
        }
        (fields.SourcePort, fields.DestinationPort) = TransportHeader.Ports(transport);
        return null;
    }

    private const byte Icmpv6EchoRequest = 128;
    private const byte Icmpv6EchoReply = 129;

    private static bool IsExtension(byte next) =>
        next is Ipv6Layout.HopByHopOptions or Ipv6Layout.Routing or Ipv6Layout.Fragment or Ipv6Layout.DestinationOptions or Ipv6Layout.Authentication;
}
