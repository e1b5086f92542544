using System.Buffers.Binary;
using Forwarder.Core.Frames;

namespace Forwarder.Core.Tests.Support;

/// <summary>
/// Ethernet/IPv6 TCP and UDP frames built byte by byte, their checksums over the IPv6 pseudo-header computed here
/// (RFC 8200 8.1), independently of the director's incremental updates; and the check that a sent frame's still holds.
/// </summary>
internal static class Ipv6Frame
{
    public static byte[] Tcp(MacAddress source, MacAddress destination, string sourceIp, ushort sourcePort, string destinationIp, ushort destinationPort,
        byte flags, byte hopLimit = 64, int payload = 0, byte[]? extensions = null, byte firstExtension = 0)
    {
        var tcp = new byte[20 + payload];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.AsSpan(4), 0x1000_0000);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.AsSpan(8), (flags & FrameLayout.TcpAck) != 0 ? 0x2000_0000u : 0u);
        tcp[12] = 5 << 4;
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(14), 64240);
        for (var i = 0; i < payload; i++)
        {
            tcp[20 + i] = (byte)(i * 7);
        }
        return Build(source, destination, sourceIp, destinationIp, FrameLayout.ProtocolTcp, tcp, hopLimit, extensions, firstExtension);
    }

    public static byte[] Udp(MacAddress source, MacAddress destination, string sourceIp, ushort sourcePort, string destinationIp, ushort destinationPort,
        int payload = 16, byte hopLimit = 64)
    {
        var udp = new byte[8 + payload];
        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        for (var i = 0; i < payload; i++)
        {
            udp[8 + i] = (byte)(i + 1);
        }
        return Build(source, destination, sourceIp, destinationIp, FrameLayout.ProtocolUdp, udp, hopLimit, null, 0);
    }

    /// <summary>
    /// The frame; <paramref name="extensions"/> (already chained, the last one's Next Header left for the transport)
    /// go between the fixed header and the transport, <paramref name="firstExtension"/> naming the first.
    /// </summary>
    private static byte[] Build(MacAddress source, MacAddress destination, string sourceIp, string destinationIp, byte protocol, byte[] transport,
        byte hopLimit, byte[]? extensions, byte firstExtension)
    {
        extensions ??= [];
        var frame = new byte[14 + 40 + extensions.Length + transport.Length];
        destination.Write(frame);
        source.Write(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), FrameLayout.EtherTypeIpv6);
        var ip = frame.AsSpan(14);
        ip[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)(extensions.Length + transport.Length));
        ip[6] = extensions.Length > 0 ? firstExtension : protocol;
        ip[7] = hopLimit;
        InetAddress.Parse(sourceIp).WriteIpv6(ip[8..]);
        InetAddress.Parse(destinationIp).WriteIpv6(ip[24..]);
        extensions.CopyTo(ip[40..]);
        transport.CopyTo(ip[(40 + extensions.Length)..]);
        var transportOffset = 14 + 40 + extensions.Length;
        var checksumAt = protocol == FrameLayout.ProtocolTcp ? 16 : 6;
        var checksum = TransportChecksum(frame, transportOffset, protocol);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(transportOffset + checksumAt), checksum == 0 && protocol == FrameLayout.ProtocolUdp ? (ushort)0xFFFF : checksum);
        return frame;
    }

    /// <summary>The TCP/UDP checksum of the segment at <paramref name="transportOffset"/>, over the IPv6 pseudo-header.</summary>
    public static ushort TransportChecksum(byte[] frame, int transportOffset, byte protocol)
    {
        var segment = frame.AsSpan(transportOffset).ToArray();
        var checksumAt = protocol == FrameLayout.ProtocolTcp ? 16 : 6;
        segment[checksumAt] = segment[checksumAt + 1] = 0;
        var pseudo = new byte[40];
        frame.AsSpan(14 + 8, 32).CopyTo(pseudo);
        BinaryPrimitives.WriteUInt32BigEndian(pseudo.AsSpan(32), (uint)segment.Length);
        pseudo[39] = protocol;
        return InternetChecksum.Finish(InternetChecksum.Add(InternetChecksum.Add(0, pseudo), segment));
    }

    /// <summary>Whether a sent frame's TCP/UDP checksum (no extension headers) is what a full computation gives.</summary>
    public static bool ChecksumHolds(byte[] frame)
    {
        var protocol = frame[14 + 6];
        var checksumAt = protocol == FrameLayout.ProtocolTcp ? 16 : 6;
        var stored = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(54 + checksumAt));
        var computed = TransportChecksum(frame, 54, protocol);
        return stored == computed || (computed == 0 && stored == 0xFFFF);
    }

    public static InetAddress SourceOf(byte[] frame) => InetAddress.ReadIpv6(frame.AsSpan(14 + 8));

    public static InetAddress DestinationOf(byte[] frame) => InetAddress.ReadIpv6(frame.AsSpan(14 + 24));

    public static ushort SourcePortOf(byte[] frame) => BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(54));

    public static ushort DestinationPortOf(byte[] frame) => BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(56));

    public static byte HopLimitOf(byte[] frame) => frame[14 + 7];

    /// <summary>A Fragment header (8 bytes) whose Next Header is <paramref name="next"/>.</summary>
    public static byte[] FragmentHeader(byte next, ushort offsetInEights, bool more) =>
        [next, 0, (byte)(offsetInEights >> 5), (byte)(((offsetInEights << 3) & 0xF8) | (more ? 1 : 0)), 0, 0, 0xAB, 0xCD];
}
