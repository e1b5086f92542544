using System.Buffers.Binary;

namespace Forwarder.Core.Tests.Support;

/// <summary>Hand edits of built frames, for shapes PacketDotNet does not build directly (options, fragments, damage).</summary>
internal static class FrameEdit
{
    /// <summary>Recomputes the IPv4 header checksum with the reference implementation.</summary>
    public static void FixIpChecksum(byte[] frame)
    {
        var headerLength = (frame[14] & 0x0F) * 4;
        frame[24] = 0;
        frame[25] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(24), ReferenceChecksum.Compute(frame.AsSpan(14, headerLength)));
    }

    /// <summary>
    /// A copy with the IPv4 header at <paramref name="ipOffset"/> one TTL lower and its checksum recomputed by the
    /// reference implementation: what the kernel's decrement_ttl leaves of a packet IPVS sends to a real server.
    /// </summary>
    public static byte[] WithTtlLowered(byte[] frame, int ipOffset = 14)
    {
        var result = (byte[])frame.Clone();
        var headerLength = (result[ipOffset] & 0x0F) * 4;
        result[ipOffset + 8]--;
        result[ipOffset + 10] = 0;
        result[ipOffset + 11] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(ipOffset + 10), ReferenceChecksum.Compute(result.AsSpan(ipOffset, headerLength)));
        return result;
    }

    /// <summary>Inserts IPv4 options (a multiple of 4 bytes) after the fixed header; the transport checksum is unaffected.</summary>
    public static byte[] WithIpOptions(byte[] frame, byte[] options)
    {
        var result = new byte[frame.Length + options.Length];
        frame.AsSpan(0, 34).CopyTo(result);
        options.CopyTo(result.AsSpan(34));
        frame.AsSpan(34).CopyTo(result.AsSpan(34 + options.Length));
        result[14] = (byte)(0x40 | ((20 + options.Length) / 4));
        var totalLength = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(16));
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(16), (ushort)(totalLength + options.Length));
        FixIpChecksum(result);
        return result;
    }

    /// <summary>Sets the flags and fragment offset word (in 8-byte units) and fixes the IP checksum.</summary>
    public static byte[] AsFragment(byte[] frame, bool moreFragments, ushort offsetUnits)
    {
        var result = (byte[])frame.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(20), (ushort)((moreFragments ? 0x2000 : 0) | offsetUnits));
        FixIpChecksum(result);
        return result;
    }

    public static byte[] WithVlanTag(byte[] frame, ushort vlan)
    {
        var result = new byte[frame.Length + 4];
        frame.AsSpan(0, 12).CopyTo(result);
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(12), 0x8100);
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(14), vlan);
        frame.AsSpan(12).CopyTo(result.AsSpan(16));
        return result;
    }

    /// <summary>Sets the TOS byte and the don't-fragment bit, and fixes the IP checksum.</summary>
    public static byte[] WithTosAndDontFragment(byte[] frame, byte tos, bool dontFragment)
    {
        var result = (byte[])frame.Clone();
        result[15] = tos;
        var flags = BinaryPrimitives.ReadUInt16BigEndian(result.AsSpan(20));
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(20), (ushort)(dontFragment ? flags | 0x4000 : flags & ~0x4000));
        FixIpChecksum(result);
        return result;
    }
}
