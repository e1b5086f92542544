using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;

namespace Forwarder.CaptureBuilder.Frames;

/// <summary>
/// Ethernet/IPv4/ICMP frames written byte by byte (echo requests and replies, errors quoting a packet),
/// with the IP header checksum and the ICMP checksum over the whole message computed here.
/// </summary>
public static class IcmpFrameFactory
{
    public const byte EchoReply = 0;
    public const byte DestinationUnreachable = 3;
    public const byte EchoRequest = 8;
    public const byte PortUnreachable = 3;
    public const byte FragmentationNeeded = 4;

    private const int EthernetLength = 14;
    private const int IpLength = 20;

    /// <summary>An echo request or reply with <paramref name="data"/> after the identifier and sequence.</summary>
    public static byte[] Echo(byte type, PhysicalAddress sourceMac, PhysicalAddress destinationMac, IPAddress source, IPAddress destination,
        ushort identifier, ushort sequence, ReadOnlySpan<byte> data, ushort ipId, byte ttl)
    {
        var rest = (uint)identifier << 16 | sequence;
        return Message(type, 0, rest, data, sourceMac, destinationMac, source, destination, ipId, ttl, dontFragment: true, tos: 0);
    }

    /// <summary>An error quoting <paramref name="quoted"/>, an IP packet (or its first bytes) the sender received or sent.</summary>
    public static byte[] Error(byte type, byte code, uint restOfHeader, ReadOnlySpan<byte> quoted, PhysicalAddress sourceMac, PhysicalAddress destinationMac,
        IPAddress source, IPAddress destination, ushort ipId, byte ttl) =>
        // As Linux's icmp_send: TOS with the internetwork-control precedence, no DF.
        Message(type, code, restOfHeader, quoted, sourceMac, destinationMac, source, destination, ipId, ttl, dontFragment: false, tos: 0xC0);

    /// <summary>The IPv4 packet of an Ethernet frame (its first <paramref name="length"/> bytes, or all).</summary>
    public static byte[] IpPacketOf(byte[] frame, int length = int.MaxValue)
    {
        var total = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(EthernetLength + 2));
        return frame.AsSpan(EthernetLength, Math.Min(total, length)).ToArray();
    }

    private static byte[] Message(byte type, byte code, uint rest, ReadOnlySpan<byte> body, PhysicalAddress sourceMac, PhysicalAddress destinationMac,
        IPAddress source, IPAddress destination, ushort ipId, byte ttl, bool dontFragment, byte tos)
    {
        var icmpLength = 8 + body.Length;
        var frame = new byte[EthernetLength + IpLength + icmpLength];
        destinationMac.GetAddressBytes().CopyTo(frame, 0);
        sourceMac.GetAddressBytes().CopyTo(frame, 6);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0800);
        var ip = frame.AsSpan(EthernetLength, IpLength);
        ip[0] = 0x45;
        ip[1] = tos;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(IpLength + icmpLength));
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], ipId);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], dontFragment ? (ushort)0x4000 : (ushort)0);
        ip[8] = ttl;
        ip[9] = 1;
        source.GetAddressBytes().CopyTo(ip[12..]);
        destination.GetAddressBytes().CopyTo(ip[16..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum(ip));
        var icmp = frame.AsSpan(EthernetLength + IpLength);
        icmp[0] = type;
        icmp[1] = code;
        BinaryPrimitives.WriteUInt32BigEndian(icmp[4..], rest);
        body.CopyTo(icmp[8..]);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Checksum(icmp));
        return frame;
    }

    private static ushort Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (var i = 0; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }
        if (data.Length % 2 == 1)
        {
            sum += (uint)data[^1] << 8;
        }
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (ushort)~sum;
    }
}
