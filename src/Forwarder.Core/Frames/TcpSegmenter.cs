using System.Buffers.Binary;

namespace Forwarder.Core.Frames;

/// <summary>
/// Cuts a GRO-merged TCP segment back into segments of at most a given IP length, each with complete checksums, as
/// the kernel's tcp_gso_segment does in software: the headers copied to each, the sequence number advanced by the
/// payload before it, PSH and FIN on the last segment only, CWR on the first only, IPv4's identification counting up
/// from the merged packet's. For paths the kernel cannot be asked to cut (a tunnel carries the segment as an opaque
/// payload); a frame whose checksum is partial but that fits is cut into one segment, which finishes its checksum.
/// </summary>
public static class TcpSegmenter
{
    private const byte TcpCwr = 0x80;

    /// <summary>How many segments of at most <paramref name="maximumIpLength"/> bytes the segment of <paramref name="fields"/> makes; 0 when it cannot be cut so.</summary>
    public static int Count(ReadOnlySpan<byte> frame, in PacketFields fields, int maximumIpLength)
    {
        var payloadPerSegment = PayloadPerSegment(frame, fields, maximumIpLength, out var payload);
        return payloadPerSegment <= 0 ? 0 : Math.Max(1, (payload + payloadPerSegment - 1) / payloadPerSegment);
    }

    /// <summary>Writes segment <paramref name="index"/> into <paramref name="segment"/> (Ethernet header included) and returns its length.</summary>
    public static int Write(ReadOnlySpan<byte> frame, in PacketFields fields, int maximumIpLength, int index, Span<byte> segment)
    {
        var payloadPerSegment = PayloadPerSegment(frame, fields, maximumIpLength, out var payload);
        var headers = fields.TransportOffset + TcpHeaderLength(frame, fields);
        var offset = index * payloadPerSegment;
        var length = Math.Min(payloadPerSegment, payload - offset);
        var isLast = offset + length >= payload;
        frame[..headers].CopyTo(segment);
        frame.Slice(headers + offset, length).CopyTo(segment[headers..]);
        var frameLength = headers + length;
        var ip = segment[FrameLayout.EthernetHeaderLength..];
        var ipLength = frameLength - FrameLayout.EthernetHeaderLength;
        if (fields.IsIpv6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(ip[Ipv6Layout.PayloadLength..], (ushort)(ipLength - Ipv6Layout.HeaderLength));
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(ip[FrameLayout.Ipv4TotalLength..], (ushort)ipLength);
            var identification = BinaryPrimitives.ReadUInt16BigEndian(ip[FrameLayout.Ipv4Identification..]);
            BinaryPrimitives.WriteUInt16BigEndian(ip[FrameLayout.Ipv4Identification..], (ushort)(identification + index));
            BinaryPrimitives.WriteUInt16BigEndian(ip[FrameLayout.Ipv4Checksum..], 0);
            BinaryPrimitives.WriteUInt16BigEndian(ip[FrameLayout.Ipv4Checksum..], InternetChecksum.Compute(ip[..fields.IpHeaderLength]));
        }
        var tcp = segment[fields.TransportOffset..frameLength];
        var sequence = BinaryPrimitives.ReadUInt32BigEndian(tcp[FrameLayout.TcpSequence..]);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[FrameLayout.TcpSequence..], unchecked(sequence + (uint)offset));
        if (!isLast)
        {
            tcp[FrameLayout.TcpFlags] &= unchecked((byte)~(FrameLayout.TcpFin | FrameLayout.TcpPsh));
        }
        if (index > 0)
        {
            tcp[FrameLayout.TcpFlags] &= unchecked((byte)~TcpCwr);
        }
        var pseudo = fields.IsIpv6
            ? PartialChecksum.Ipv6PseudoHeaderSum(ip, tcp.Length)
            : InternetChecksum.PseudoHeaderSum(fields.Source, fields.Destination, FrameLayout.ProtocolTcp, tcp.Length);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[FrameLayout.TcpChecksum..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[FrameLayout.TcpChecksum..], InternetChecksum.Finish(InternetChecksum.Add(pseudo, tcp)));
        return frameLength;
    }

    private static int PayloadPerSegment(ReadOnlySpan<byte> frame, in PacketFields fields, int maximumIpLength, out int payload)
    {
        var tcpHeaderLength = TcpHeaderLength(frame, fields);
        payload = fields.TotalLength - fields.IpHeaderLength - tcpHeaderLength;
        return payload < 0 ? 0 : maximumIpLength - fields.IpHeaderLength - tcpHeaderLength;
    }

    private static int TcpHeaderLength(ReadOnlySpan<byte> frame, in PacketFields fields) =>
        (frame[fields.TransportOffset + FrameLayout.TcpDataOffset] >> 4) * 4;
}
