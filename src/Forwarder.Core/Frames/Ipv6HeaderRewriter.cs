using System.Buffers.Binary;

namespace Forwarder.Core.Frames;

/// <summary>
/// NAT rewrites of IPv6 frames with incremental checksums (RFC 1624): IPv6 has no header checksum, but its addresses
/// are in the TCP/UDP/ICMPv6 pseudo-header (RFC 8200 8.1), so an address change is folded into the transport's
/// checksum, eight 16-bit words at once, beside the port's. An IPv6 UDP checksum is never zero on the wire: a result
/// of 0 is sent as 0xFFFF, as the kernel's csum_ipv6_magic users do.
/// </summary>
public static class Ipv6HeaderRewriter
{
    /// <summary>Replaces the destination address and port (DNAT toward a real server).</summary>
    public static void SetDestination(Span<byte> frame, in PacketFields fields, InetAddress address, ushort port) =>
        SetEndpoint(frame, fields, Ipv6Layout.Destination, FrameLayout.DestinationPort, fields.DestinationAddress, address, fields.DestinationPort, port);

    /// <summary>Replaces the source address and port (a reply leaving as the virtual service).</summary>
    public static void SetSource(Span<byte> frame, in PacketFields fields, InetAddress address, ushort port) =>
        SetEndpoint(frame, fields, Ipv6Layout.Source, FrameLayout.SourcePort, fields.SourceAddress, address, fields.SourcePort, port);

    /// <summary>Decrements the hop limit (no checksum covers it).</summary>
    public static void DecrementHopLimit(Span<byte> frame) => frame[FrameLayout.EthernetHeaderLength + Ipv6Layout.HopLimit]--;

    private static void SetEndpoint(Span<byte> frame, in PacketFields fields, int addressOffset, int portOffset,
        InetAddress oldAddress, InetAddress newAddress, ushort oldPort, ushort newPort)
    {
        newAddress.WriteIpv6(frame[(FrameLayout.EthernetHeaderLength + addressOffset)..]);
        var transport = frame[fields.TransportOffset..];
        if (fields.Protocol is not (FrameLayout.ProtocolTcp or FrameLayout.ProtocolUdp))
        {
            return;
        }
        BinaryPrimitives.WriteUInt16BigEndian(transport[portOffset..], newPort);
        if (fields.IsFragment)
        {
            // Only a first fragment holds the transport header, and its checksum covers the whole packet: left to the
            // engine, which refuses fragments.
            return;
        }
        var checksumOffset = fields.Protocol == FrameLayout.ProtocolTcp ? FrameLayout.TcpChecksum : FrameLayout.UdpChecksum;
        var field = transport[checksumOffset..];
        var checksum = BinaryPrimitives.ReadUInt16BigEndian(field);
        if (fields.ChecksumPartial)
        {
            // Left for the device (PartialChecksum): the address is in the pseudo-header it holds, the port is not.
            BinaryPrimitives.WriteUInt16BigEndian(field, (ushort)~UpdateAddress((ushort)~checksum, oldAddress, newAddress));
            return;
        }
        checksum = UpdateAddress(checksum, oldAddress, newAddress);
        checksum = InternetChecksum.Update16(checksum, oldPort, newPort);
        if (fields.Protocol == FrameLayout.ProtocolUdp && checksum == 0)
        {
            checksum = 0xFFFF;
        }
        BinaryPrimitives.WriteUInt16BigEndian(field, checksum);
    }

    /// <summary>RFC 1624 for a 128-bit field: the four 32-bit words one after another.</summary>
    public static ushort UpdateAddress(ushort checksum, InetAddress oldAddress, InetAddress newAddress)
    {
        checksum = InternetChecksum.Update32(checksum, (uint)(oldAddress.High >> 32), (uint)(newAddress.High >> 32));
        checksum = InternetChecksum.Update32(checksum, (uint)oldAddress.High, (uint)newAddress.High);
        checksum = InternetChecksum.Update32(checksum, (uint)(oldAddress.Low >> 32), (uint)(newAddress.Low >> 32));
        return InternetChecksum.Update32(checksum, (uint)oldAddress.Low, (uint)newAddress.Low);
    }
}
