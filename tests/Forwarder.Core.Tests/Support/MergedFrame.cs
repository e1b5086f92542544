using System.Buffers.Binary;
using Forwarder.Core.Frames;

namespace Forwarder.Core.Tests.Support;

/// <summary>
/// TCP frames as GRO hands them over, and the device's half of a partial checksum, written from the kernel's
/// description (the field holds the pseudo-header's folded sum; the device sums the segment onto it and stores the
/// complement), with the naive <see cref="ReferenceChecksum"/> and not with the code under test.
/// </summary>
internal static class MergedFrame
{
    /// <summary>An IPv4 TCP frame with <paramref name="optionBytes"/> of TCP options (a multiple of 4) and a payload, its checksum partial.</summary>
    public static byte[] Ipv4(string source, ushort sourcePort, string destination, ushort destinationPort, int payload, int optionBytes = 12,
        byte flags = FrameLayout.TcpAck | FrameLayout.TcpPsh, MacAddress? from = null, MacAddress? to = null)
    {
        var tcpLength = 20 + optionBytes;
        var frame = new byte[14 + 20 + tcpLength + payload];
        (to ?? Frame.Mac("02:00:00:00:00:02")).Write(frame);
        (from ?? Frame.Mac("00:50:56:00:00:50")).Write(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), FrameLayout.EtherTypeIpv4);
        var ip = frame.AsSpan(14);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + tcpLength + payload));
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], 0x1234);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], FrameLayout.Ipv4DontFragment);
        ip[8] = 64;
        ip[9] = FrameLayout.ProtocolTcp;
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], Frame.Ip(source));
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], Frame.Ip(destination));
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], ReferenceChecksum.Compute(ip[..20]));
        var tcp = ip[20..];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], 0x1000_0000);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], 0x2000_0000);
        tcp[12] = (byte)((tcpLength / 4) << 4);
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 502);
        for (var i = 20; i < tcpLength; i++)
        {
            tcp[i] = 1; // NOP options
        }
        for (var i = tcpLength; i < tcp.Length; i++)
        {
            tcp[i] = (byte)(i * 13);
        }
        MakePartial(frame);
        return frame;
    }

    /// <summary>Puts in the TCP checksum field what GRO leaves there: the pseudo-header's folded sum, uncomplemented.</summary>
    public static void MakePartial(byte[] frame)
    {
        var (tcpAt, tcpLength) = Segment(frame);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(tcpAt + 16), PseudoHeaderSum(frame, tcpLength));
    }

    /// <summary>What the device does with a partial checksum: sums the segment, field included, and stores the complement.</summary>
    public static void Finish(byte[] frame)
    {
        var (tcpAt, tcpLength) = Segment(frame);
        var sum = ReferenceChecksum.Sum(0, frame.AsSpan(tcpAt, tcpLength));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(tcpAt + 16), (ushort)~sum);
    }

    /// <summary>The folded sum of the frame's TCP pseudo-header, from its addresses as they stand.</summary>
    public static ushort PseudoHeaderSum(byte[] frame, int tcpLength)
    {
        var isIpv6 = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)) == FrameLayout.EtherTypeIpv6;
        var pseudo = new byte[isIpv6 ? 40 : 12];
        if (isIpv6)
        {
            frame.AsSpan(14 + 8, 32).CopyTo(pseudo);
            BinaryPrimitives.WriteUInt32BigEndian(pseudo.AsSpan(32), (uint)tcpLength);
            pseudo[39] = FrameLayout.ProtocolTcp;
        }
        else
        {
            frame.AsSpan(14 + 12, 8).CopyTo(pseudo);
            pseudo[9] = FrameLayout.ProtocolTcp;
            BinaryPrimitives.WriteUInt16BigEndian(pseudo.AsSpan(10), (ushort)tcpLength);
        }
        return ReferenceChecksum.Sum(0, pseudo);
    }

    public static ushort ChecksumField(byte[] frame) => BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(Segment(frame).TcpAt + 16));

    /// <summary>Where the TCP segment starts and how long it is (IPv6 without extension headers).</summary>
    public static (int TcpAt, int TcpLength) Segment(byte[] frame)
    {
        if (BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)) == FrameLayout.EtherTypeIpv6)
        {
            return (54, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(14 + 4)));
        }
        var headerLength = (frame[14] & 0x0F) * 4;
        return (14 + headerLength, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(16)) - headerLength);
    }
}
