using System.Buffers.Binary;

namespace Forwarder.Core.Frames;

/// <summary>
/// The NAT rewrites of an ICMPv6 error about a connection, as ip_vs_nat_icmp_v6: the outer address and the quoted
/// packet's matching address and port become the other side's, and the ICMPv6 checksum is computed afresh over the
/// new pseudo-header and the whole message (the quoted transport checksum is left as quoted, as the kernel leaves it).
/// The frame is edited in place, from its IP header on.
/// </summary>
public static class Icmpv6ErrorRewriter
{
    /// <summary>From the client's side toward the real server: outer destination, quoted source and source port.</summary>
    public static void TowardServer(Span<byte> frame, int messageOffset, int end, in Icmpv6QuotedPacket quoted, InetAddress server, ushort serverPort)
    {
        server.WriteIpv6(frame[(FrameLayout.EthernetHeaderLength + Ipv6Layout.Destination)..]);
        server.WriteIpv6(frame[(quoted.Offset + Ipv6Layout.Source)..]);
        SetQuotedPort(frame, quoted, FrameLayout.SourcePort, serverPort);
        FinishChecksum(frame, messageOffset, end);
    }

    /// <summary>
    /// From the real server's side toward the client: outer source, quoted destination and destination port become the
    /// virtual service's, and the hop limit drops by one (the director routes it; the caller has checked it is above one).
    /// </summary>
    public static void TowardClient(Span<byte> frame, int messageOffset, int end, in Icmpv6QuotedPacket quoted, InetAddress virtualAddress, ushort virtualPort)
    {
        virtualAddress.WriteIpv6(frame[(FrameLayout.EthernetHeaderLength + Ipv6Layout.Source)..]);
        frame[FrameLayout.EthernetHeaderLength + Ipv6Layout.HopLimit]--;
        virtualAddress.WriteIpv6(frame[(quoted.Offset + Ipv6Layout.Destination)..]);
        SetQuotedPort(frame, quoted, FrameLayout.DestinationPort, virtualPort);
        FinishChecksum(frame, messageOffset, end);
    }

    private static void SetQuotedPort(Span<byte> frame, in Icmpv6QuotedPacket quoted, int portOffset, ushort port)
    {
        if (!quoted.IsLaterFragment && quoted.Protocol is FrameLayout.ProtocolTcp or FrameLayout.ProtocolUdp)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame[(quoted.TransportOffset + portOffset)..], port);
        }
    }

    private static void FinishChecksum(Span<byte> frame, int messageOffset, int end)
    {
        var message = frame[messageOffset..end];
        BinaryPrimitives.WriteUInt16BigEndian(message[IcmpLayout.Checksum..], 0);
        var source = InetAddress.ReadIpv6(frame[(FrameLayout.EthernetHeaderLength + Ipv6Layout.Source)..]);
        var destination = InetAddress.ReadIpv6(frame[(FrameLayout.EthernetHeaderLength + Ipv6Layout.Destination)..]);
        BinaryPrimitives.WriteUInt16BigEndian(message[IcmpLayout.Checksum..], Icmpv6Messages.Checksum(source, destination, message));
    }
}
