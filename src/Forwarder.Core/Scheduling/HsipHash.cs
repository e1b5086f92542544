namespace Forwarder.Core.Scheduling;

/// <summary>
/// The kernel's hsiphash of one 32-bit word, as built on 64-bit machines: there it is SipHash-1-3 with a
/// key of two 64-bit words, the word read little-endian, and the result cut to 32 bits. mh feeds it the
/// host-order sum of address, port and offset.
/// </summary>
internal static class HsipHash
{
    public static uint Hash(uint word, ulong key0, ulong key1)
    {
        var v0 = 0x736f6d6570736575UL ^ key0;
        var v1 = 0x646f72616e646f6dUL ^ key1;
        var v2 = 0x6c7967656e657261UL ^ key0;
        var v3 = 0x7465646279746573UL ^ key1;
        // Four message bytes: the length goes in the top byte of the last block, the bytes below it.
        var last = (4UL << 56) | word;
        v3 ^= last;
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= last;
        v2 ^= 0xff;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        return (uint)(v0 ^ v1 ^ v2 ^ v3);
    }

    private static void Round(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3)
    {
        unchecked
        {
            v0 += v1;
            v1 = ulong.RotateLeft(v1, 13);
            v1 ^= v0;
            v0 = ulong.RotateLeft(v0, 32);
            v2 += v3;
            v3 = ulong.RotateLeft(v3, 16);
            v3 ^= v2;
            v0 += v3;
            v3 = ulong.RotateLeft(v3, 21);
            v3 ^= v0;
            v2 += v1;
            v1 = ulong.RotateLeft(v1, 17);
            v1 ^= v2;
            v2 = ulong.RotateLeft(v2, 32);
        }
    }
}
