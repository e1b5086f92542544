using System.Buffers.Binary;

namespace Forwarder.Core.Frames;

/// <summary>In-place edits of an Ethernet/IPv4/TCP-or-UDP frame, each keeping every checksum right incrementally (RFC 1624).</summary>
public static class HeaderRewriter
{
    public static void SetEthernet(Span<byte> frame, MacAddress destination, MacAddress source)
    {
        destination.Write(frame[FrameLayout.EthernetDestination..]);
        source.Write(frame[FrameLayout.EthernetSource..]);
    }

    /// <summary>Replaces the destination address and port (DNAT), fixing the IP and transport checksums.</summary>
    public static void SetDestination(Span<byte> frame, in PacketFields fields, uint address, ushort port) =>
        SetEndpoint(frame, fields, FrameLayout.Ipv4Destination, FrameLayout.DestinationPort, fields.Destination, address, fields.DestinationPort, port);

    /// <summary>Replaces the source address and port (SNAT), fixing the IP and transport checksums.</summary>
    public static void SetSource(Span<byte> frame, in PacketFields fields, uint address, ushort port) =>
        SetEndpoint(frame, fields, FrameLayout.Ipv4Source, FrameLayout.SourcePort, fields.Source, address, fields.SourcePort, port);

    /// <summary>Replaces the source address and an ICMP query's identifier (masquerading a ping).</summary>
    public static void SetSourceAndIcmpIdentifier(Span<byte> frame, in PacketFields fields, uint address, ushort identifier)
    {
        SetIpAddress(frame, FrameLayout.Ipv4Source, fields.Source, address);
        SetIcmpIdentifier(frame, fields, identifier);
    }

    /// <summary>Replaces the destination address and an ICMP query's identifier (the reply to a masqueraded ping).</summary>
    public static void SetDestinationAndIcmpIdentifier(Span<byte> frame, in PacketFields fields, uint address, ushort identifier)
    {
        SetIpAddress(frame, FrameLayout.Ipv4Destination, fields.Destination, address);
        SetIcmpIdentifier(frame, fields, identifier);
    }

    /// <summary>Lowers the TTL by one as a router does; the caller has checked it is above one.</summary>
    public static void DecrementTtl(Span<byte> frame)
    {
        var ip = frame[FrameLayout.EthernetHeaderLength..];
        // TTL and protocol as one word, read and written once: a byte store read back as a word stalls the CPU.
        var oldWord = BinaryPrimitives.ReadUInt16BigEndian(ip[FrameLayout.Ipv4Ttl..]);
        var newWord = (ushort)(oldWord - 0x100);
        BinaryPrimitives.WriteUInt16BigEndian(ip[FrameLayout.Ipv4Ttl..], newWord);
        UpdateChecksum16(ip[FrameLayout.Ipv4Checksum..], oldWord, newWord);
    }

    private static void SetIpAddress(Span<byte> frame, int addressOffset, uint oldAddress, uint newAddress)
    {
        var ip = frame[FrameLayout.EthernetHeaderLength..];
        BinaryPrimitives.WriteUInt32BigEndian(ip[addressOffset..], newAddress);
        var ipChecksum = ip[FrameLayout.Ipv4Checksum..];
        BinaryPrimitives.WriteUInt16BigEndian(ipChecksum,
            InternetChecksum.Update32(BinaryPrimitives.ReadUInt16BigEndian(ipChecksum), oldAddress, newAddress));
    }

    /// <summary>ICMP has no pseudo-header: only the identifier itself enters its checksum.</summary>
    private static void SetIcmpIdentifier(Span<byte> frame, in PacketFields fields, ushort identifier)
    {
        var icmp = frame[fields.TransportOffset..];
        var old = BinaryPrimitives.ReadUInt16BigEndian(icmp[IcmpLayout.Identifier..]);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[IcmpLayout.Identifier..], identifier);
        UpdateChecksum16(icmp[IcmpLayout.Checksum..], old, identifier);
    }

    private static void SetEndpoint(Span<byte> frame, in PacketFields fields, int addressOffset, int portOffset,
        uint oldAddress, uint newAddress, ushort oldPort, ushort newPort)
    {
        SetIpAddress(frame, addressOffset, oldAddress, newAddress);
        var transport = frame[fields.TransportOffset..];
        BinaryPrimitives.WriteUInt16BigEndian(transport[portOffset..], newPort);
        if (fields.IsFragment)
        {
            return;
        }
        switch (fields.Protocol)
        {
            case FrameLayout.ProtocolTcp when fields.ChecksumPartial:
                UpdatePartialChecksum(transport[FrameLayout.TcpChecksum..], oldAddress, newAddress);
                break;
            case FrameLayout.ProtocolTcp:
                UpdateTransportChecksum(transport[FrameLayout.TcpChecksum..], oldAddress, newAddress, oldPort, newPort, zeroMeansNone: false);
                break;
            case FrameLayout.ProtocolUdp:
                UpdateTransportChecksum(transport[FrameLayout.UdpChecksum..], oldAddress, newAddress, oldPort, newPort, zeroMeansNone: true);
                break;
        }
    }

    /// <summary>
    /// The transport checksum covers the pseudo-header's addresses and the port. A UDP checksum of 0 means
    /// "none" and stays 0; a computed 0 is sent as 0xFFFF (RFC 768), as the kernel's CSUM_MANGLED_0.
    /// </summary>
    private static void UpdateTransportChecksum(Span<byte> field, uint oldAddress, uint newAddress, ushort oldPort, ushort newPort, bool zeroMeansNone)
    {
        var checksum = BinaryPrimitives.ReadUInt16BigEndian(field);
        if (zeroMeansNone && checksum == 0)
        {
            return;
        }
        checksum = InternetChecksum.Update32(checksum, oldAddress, newAddress);
        checksum = InternetChecksum.Update16(checksum, oldPort, newPort);
        if (zeroMeansNone && checksum == 0)
        {
            checksum = 0xFFFF;
        }
        BinaryPrimitives.WriteUInt16BigEndian(field, checksum);
    }

    /// <summary>A partial TCP checksum (<see cref="PartialChecksum"/>) follows the address only: the device sums the port with the data.</summary>
    private static void UpdatePartialChecksum(Span<byte> field, uint oldAddress, uint newAddress) =>
        BinaryPrimitives.WriteUInt16BigEndian(field, PartialChecksum.Update32(BinaryPrimitives.ReadUInt16BigEndian(field), oldAddress, newAddress));

    private static void UpdateChecksum16(Span<byte> field, ushort oldWord, ushort newWord) =>
        BinaryPrimitives.WriteUInt16BigEndian(field, InternetChecksum.Update16(BinaryPrimitives.ReadUInt16BigEndian(field), oldWord, newWord));
}
