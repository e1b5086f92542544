using System.Buffers.Binary;

namespace Forwarder.Core.Frames;

/// <summary>
/// Checks an Ethernet II frame carrying IPv4 the way the kernel's <c>ip_rcv</c> would before IPVS sees it
/// (version, header length, total length, header checksum) and reads the TCP/UDP ports and flags.
/// </summary>
public static class Ipv4Parser
{
    /// <summary>Null when the frame is a well-formed IPv4 packet, else the outcome that ends its processing.</summary>
    public static FrameOutcome? Parse(ReadOnlySpan<byte> frame, out PacketFields fields)
    {
        fields = default;
        var ip = frame[FrameLayout.EthernetHeaderLength..];
        if (ip.Length < FrameLayout.Ipv4MinimumHeaderLength)
        {
            return FrameOutcome.DroppedMalformed;
        }
        var versionAndLength = ip[FrameLayout.Ipv4VersionAndLength];
        var headerLength = (versionAndLength & 0x0F) * 4;
        var totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[FrameLayout.Ipv4TotalLength..]);
        if ((versionAndLength >> 4) != 4 || headerLength < FrameLayout.Ipv4MinimumHeaderLength ||
            totalLength < headerLength || totalLength > ip.Length)
        {
            return FrameOutcome.DroppedMalformed;
        }
        if (InternetChecksum.Finish(InternetChecksum.Add(0, ip[..headerLength])) != 0)
        {
            return FrameOutcome.DroppedBadIpChecksum;
        }
        fields.IpHeaderLength = headerLength;
        fields.TotalLength = totalLength;
        fields.Ttl = ip[FrameLayout.Ipv4Ttl];
        fields.Protocol = ip[FrameLayout.Ipv4Protocol];
        fields.Source = BinaryPrimitives.ReadUInt32BigEndian(ip[FrameLayout.Ipv4Source..]);
        fields.Destination = BinaryPrimitives.ReadUInt32BigEndian(ip[FrameLayout.Ipv4Destination..]);
        fields.SourceAddress = InetAddress.FromIpv4(fields.Source);
        fields.DestinationAddress = InetAddress.FromIpv4(fields.Destination);
        var fragment = BinaryPrimitives.ReadUInt16BigEndian(ip[FrameLayout.Ipv4FlagsAndFragment..]);
        fields.IsFragment = (fragment & (FrameLayout.Ipv4MoreFragments | FrameLayout.Ipv4FragmentOffsetMask)) != 0;
        fields.TransportOffset = FrameLayout.EthernetHeaderLength + headerLength;
        var transport = ip[headerLength..totalLength];
        if (fields.IsFragment)
        {
            // Only a first fragment carries the ports; the engine refuses fragments either way.
            if ((fragment & FrameLayout.Ipv4FragmentOffsetMask) == 0 && transport.Length >= 4 &&
                fields.Protocol is FrameLayout.ProtocolTcp or FrameLayout.ProtocolUdp)
            {
                (fields.SourcePort, fields.DestinationPort) = TransportHeader.Ports(transport);
            }
            return null;
        }
        switch (fields.Protocol)
        {
            case FrameLayout.ProtocolTcp or FrameLayout.ProtocolUdp:
                if (!TransportHeader.IsWellFormed(fields.Protocol, transport, out fields.TcpFlags))
                {
                    return FrameOutcome.DroppedMalformed;
                }
                break;
            case FrameLayout.ProtocolIcmp:
                if (transport.Length < IcmpLayout.HeaderLength)
                {
                    return FrameOutcome.DroppedMalformed;
                }
                fields.IcmpType = transport[IcmpLayout.Type];
                if (fields.IcmpType is IcmpLayout.EchoRequest or IcmpLayout.EchoReply)
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
}
