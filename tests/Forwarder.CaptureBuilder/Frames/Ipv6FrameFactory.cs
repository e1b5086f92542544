using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using PacketDotNet;

namespace Forwarder.CaptureBuilder.Frames;

/// <summary>
/// Ethernet/IPv6 frames written byte by byte: TCP segments and ICMPv6 errors quoting a packet, each checksum computed
/// over the IPv6 pseudo-header (RFC 8200 8.1), and each frame decoded again by PacketDotNet before it is used.
/// </summary>
public static class Ipv6FrameFactory
{
    public const byte DestinationUnreachable = 1;
    public const byte PacketTooBig = 2;
    public const byte PortUnreachable = 4;

    private const int EthernetLength = 14;
    private const int HeaderLength = 40;
    private const byte Tcp = 6;
    private const byte Icmpv6 = 58;

    /// <summary>A TCP segment without options, <paramref name="payload"/> bytes of 'x' after it.</summary>
    public static byte[] Segment(PhysicalAddress sourceMac, PhysicalAddress destinationMac, IPAddress source, ushort sourcePort,
        IPAddress destination, ushort destinationPort, uint sequence, uint acknowledgment, TcpControlBits flags, int payload, byte hopLimit = 64)
    {
        var segment = new byte[20 + payload];
        BinaryPrimitives.WriteUInt16BigEndian(segment, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(4), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(8), acknowledgment);
        segment[12] = 5 << 4;
        segment[13] = (byte)flags;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(14), 502);
        segment.AsSpan(20).Fill((byte)'x');
        var frame = Frame(sourceMac, destinationMac, source, destination, Tcp, hopLimit, segment, checksumAt: 16);
        var decoded = Packet.ParsePacket(LinkLayers.Ethernet, frame);
        if (decoded.Extract<TcpPacket>() is not { ValidTcpChecksum: true })
        {
            throw new InvalidOperationException($"built IPv6 segment {source}:{sourcePort} seq {sequence} does not decode");
        }
        return frame;
    }

    /// <summary>An ICMPv6 error (type, code, the word after the checksum) quoting <paramref name="quoted"/>, an IPv6 packet or its start.</summary>
    public static byte[] Error(byte type, byte code, uint restOfHeader, ReadOnlySpan<byte> quoted, PhysicalAddress sourceMac, PhysicalAddress destinationMac,
        IPAddress source, IPAddress destination, byte hopLimit = 64)
    {
        var message = new byte[8 + quoted.Length];
        message[0] = type;
        message[1] = code;
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), restOfHeader);
        quoted.CopyTo(message.AsSpan(8));
        return Frame(sourceMac, destinationMac, source, destination, Icmpv6, hopLimit, message, checksumAt: 2);
    }

    /// <summary>The IPv6 packet of an Ethernet frame.</summary>
    public static byte[] IpPacketOf(byte[] frame) => frame.AsSpan(EthernetLength).ToArray();

    private static byte[] Frame(PhysicalAddress sourceMac, PhysicalAddress destinationMac, IPAddress source, IPAddress destination,
        byte nextHeader, byte hopLimit, byte[] payload, int checksumAt)
    {
        var frame = new byte[EthernetLength + HeaderLength + payload.Length];
        destinationMac.GetAddressBytes().CopyTo(frame, 0);
        sourceMac.GetAddressBytes().CopyTo(frame, 6);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x86DD);
        var ip = frame.AsSpan(EthernetLength);
        ip[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)payload.Length);
        ip[6] = nextHeader;
        ip[7] = hopLimit;
        source.GetAddressBytes().CopyTo(ip[8..]);
        destination.GetAddressBytes().CopyTo(ip[24..]);
        payload.CopyTo(ip[HeaderLength..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[(HeaderLength + checksumAt)..], Checksum(ip, nextHeader, payload.Length));
        return frame;
    }

    private static ushort Checksum(ReadOnlySpan<byte> ip, byte nextHeader, int length)
    {
        ulong sum = (ulong)length + nextHeader;
        var words = ip[8..40];
        for (var i = 0; i < words.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(words[i..]);
        }
        var upper = ip.Slice(HeaderLength, length);
        for (var i = 0; i < upper.Length; i += 2)
        {
            sum += i + 1 < upper.Length ? BinaryPrimitives.ReadUInt16BigEndian(upper[i..]) : (ulong)upper[i] << 8;
        }
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (ushort)~sum;
    }
}
