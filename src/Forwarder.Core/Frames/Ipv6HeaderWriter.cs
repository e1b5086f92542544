using System.Buffers.Binary;

namespace Forwarder.Core.Frames;

/// <summary>Writes the fixed IPv6 header (RFC 8200) of packets the director makes itself: its tunnels' outer headers.</summary>
public static class Ipv6HeaderWriter
{
    /// <summary>A 40-byte IPv6 header at <paramref name="ip"/>, flow label 0 (no checksum covers it).</summary>
    public static void WriteHeader(Span<byte> ip, byte trafficClass, int payloadLength, byte nextHeader, byte hopLimit, InetAddress source, InetAddress destination)
    {
        // Version 6, then the traffic class across the next two nibbles, then a 20-bit flow label of zero.
        ip[0] = (byte)(0x60 | (trafficClass >> 4));
        ip[1] = (byte)(trafficClass << 4);
        ip[2] = 0;
        ip[3] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(ip[Ipv6Layout.PayloadLength..], (ushort)payloadLength);
        ip[Ipv6Layout.NextHeader] = nextHeader;
        ip[Ipv6Layout.HopLimit] = hopLimit;
        source.WriteIpv6(ip[Ipv6Layout.Source..]);
        destination.WriteIpv6(ip[Ipv6Layout.Destination..]);
    }

    /// <summary>The traffic class of the IPv6 header at <paramref name="ip"/> (what IPv4 calls TOS).</summary>
    public static byte TrafficClass(ReadOnlySpan<byte> ip) => (byte)(((ip[0] & 0x0F) << 4) | (ip[1] >> 4));
}
