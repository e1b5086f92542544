using System.Buffers.Binary;

namespace Forwarder.Core.Tests.Support;

/// <summary>
/// A deliberately naive RFC 1071 checksum, written from the RFC and not from our implementation:
/// 16-bit words, an odd last byte padded with zero, carries folded after every addition.
/// </summary>
internal static class ReferenceChecksum
{
    public static ushort Compute(ReadOnlySpan<byte> data) => (ushort)~Sum(0, data);

    public static ushort Sum(ushort start, ReadOnlySpan<byte> data)
    {
        uint sum = start;
        for (var i = 0; i < data.Length; i += 2)
        {
            var word = (uint)(data[i] << 8) | (i + 1 < data.Length ? data[i + 1] : 0u);
            sum += word;
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (ushort)sum;
    }

    /// <summary>True when the IPv4 header of an Ethernet frame sums to all ones.</summary>
    public static bool IpHeaderIsValid(ReadOnlySpan<byte> frame)
    {
        var ip = frame[14..];
        var headerLength = (ip[0] & 0x0F) * 4;
        return Sum(0, ip[..headerLength]) == 0xFFFF;
    }

    /// <summary>The one's-complement sum of the pseudo-header and the TCP/UDP segment, checksum field included.</summary>
    public static ushort TransportSum(ReadOnlySpan<byte> frame)
    {
        var ip = frame[14..];
        var headerLength = (ip[0] & 0x0F) * 4;
        var totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        var segment = ip[headerLength..totalLength];
        Span<byte> pseudo = stackalloc byte[12];
        ip.Slice(12, 8).CopyTo(pseudo);
        pseudo[8] = 0;
        pseudo[9] = ip[9];
        BinaryPrimitives.WriteUInt16BigEndian(pseudo[10..], (ushort)segment.Length);
        return Sum(Sum(0, pseudo), segment);
    }

    /// <summary>True when the TCP or UDP checksum of the frame verifies (a UDP checksum of 0 means none and passes).</summary>
    public static bool TransportIsValid(ReadOnlySpan<byte> frame)
    {
        var ip = frame[14..];
        var headerLength = (ip[0] & 0x0F) * 4;
        if (ip[9] == 17 && BinaryPrimitives.ReadUInt16BigEndian(ip[(headerLength + 6)..]) == 0)
        {
            return true;
        }
        return TransportSum(frame) == 0xFFFF;
    }
}
