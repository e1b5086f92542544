using System.Buffers.Binary;

namespace Forwarder.Core.Frames;

/// <summary>
/// The ones'-complement checksum of IPv4, TCP and UDP (RFC 1071) and its incremental update (RFC 1624).
/// </summary>
public static class InternetChecksum
{
    /// <summary>Adds the 16-bit big-endian words of <paramref name="data"/> to a running 32-bit sum; an odd last byte is padded with zero.</summary>
    public static uint Add(uint sum, ReadOnlySpan<byte> data)
    {
        ulong wide = sum;
        while (data.Length >= 4)
        {
            wide += BinaryPrimitives.ReadUInt32BigEndian(data);
            data = data[4..];
        }
        if (data.Length >= 2)
        {
            wide += BinaryPrimitives.ReadUInt16BigEndian(data);
            data = data[2..];
        }
        if (data.Length == 1)
        {
            wide += (uint)data[0] << 8;
        }
        wide = (wide & 0xFFFF_FFFF) + (wide >> 32);
        wide = (wide & 0xFFFF_FFFF) + (wide >> 32);
        return (uint)wide;
    }

    /// <summary>Folds a running sum to 16 bits and complements it: the value to store in a header.</summary>
    public static ushort Finish(uint sum)
    {
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Add(0, data));

    /// <summary>The sum of the IPv4 pseudo-header that TCP and UDP checksums cover.</summary>
    public static uint PseudoHeaderSum(uint source, uint destination, byte protocol, int length) =>
        (source >> 16) + (source & 0xFFFF) + (destination >> 16) + (destination & 0xFFFF) + protocol + (uint)length;

    /// <summary>
    /// RFC 1624 equation 3: HC' = ~(~HC + ~m + m'). It gives what a full recomputation gives, including
    /// a true checksum of 0x0000, where RFC 1141's ~(HC - m + m') form could leave the other zero, 0xFFFF.
    /// </summary>
    public static ushort Update16(ushort checksum, ushort oldValue, ushort newValue)
    {
        uint sum = (ushort)~checksum + (uint)(ushort)~oldValue + newValue;
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    /// <summary>RFC 1624 for a 32-bit field (an address): both halves at once.</summary>
    public static ushort Update32(ushort checksum, uint oldValue, uint newValue)
    {
        uint sum = (ushort)~checksum
            + (uint)(ushort)~(oldValue >> 16) + (uint)(ushort)~oldValue
            + (newValue >> 16) + (newValue & 0xFFFF);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }
}
