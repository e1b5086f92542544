using System.Buffers.Binary;

namespace Forwarder.Core.Frames;

/// <summary>
/// A TCP checksum left for the device to finish (the kernel's CHECKSUM_PARTIAL). A frame that GRO merged, or that a
/// stack with transmit checksum offload sent, carries in its checksum field only the folded sum of its pseudo-header,
/// not complemented; the data is summed by whoever sends it last. Such a field is recognised by that value: a
/// complete checksum that happens to equal it is finished right anyway, since finishing sums the data onto exactly
/// the pseudo-header it holds. A rewrite keeps a partial field partial: the addresses change it (they are in the
/// pseudo-header), the ports do not (the device sums them with the data).
/// </summary>
public static class PartialChecksum
{
    /// <summary>Whether the TCP segment of <paramref name="frame"/> (parsed into <paramref name="fields"/>) carries a partial checksum.</summary>
    public static bool IsPartial(ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        if (fields.Protocol != FrameLayout.ProtocolTcp || fields.IsFragment)
        {
            return false;
        }
        var segmentLength = fields.TotalLength - fields.IpHeaderLength;
        var field = BinaryPrimitives.ReadUInt16BigEndian(frame[(fields.TransportOffset + FrameLayout.TcpChecksum)..]);
        var pseudo = fields.IsIpv6
            ? Ipv6PseudoHeaderSum(frame[FrameLayout.EthernetHeaderLength..], segmentLength)
            : InternetChecksum.PseudoHeaderSum(fields.Source, fields.Destination, FrameLayout.ProtocolTcp, segmentLength);
        return SameSum(field, Fold(pseudo));
    }

    /// <summary>Two 16-bit ones'-complement sums that are equal: 0x0000 and 0xFFFF are both zero.</summary>
    public static bool SameSum(ushort a, ushort b) => a == b || (ushort)(a + 1) <= 1 && (ushort)(b + 1) <= 1;

    /// <summary>
    /// A partial field after an address change: the pseudo-header's sum with <paramref name="oldValue"/> taken out and
    /// <paramref name="newValue"/> put in — RFC 1624's update applied to the field's complement.
    /// </summary>
    public static ushort Update32(ushort field, uint oldValue, uint newValue) =>
        (ushort)~InternetChecksum.Update32((ushort)~field, oldValue, newValue);

    /// <summary>The folded, uncomplemented 16-bit sum: what a partial checksum field holds.</summary>
    public static ushort Fold(uint sum)
    {
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }

    /// <summary>The IPv6 pseudo-header's sum for TCP (RFC 8200 8.1): both addresses, the length and the next header.</summary>
    public static uint Ipv6PseudoHeaderSum(ReadOnlySpan<byte> ipv6Header, int segmentLength)
    {
        var sum = InternetChecksum.Add(0, ipv6Header.Slice(Ipv6Layout.Source, 32));
        ulong wide = (ulong)sum + (uint)segmentLength + FrameLayout.ProtocolTcp;
        wide = (wide & 0xFFFF_FFFF) + (wide >> 32);
        return (uint)wide;
    }
}
