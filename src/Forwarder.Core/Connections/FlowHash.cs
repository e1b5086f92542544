using Forwarder.Core.Frames;

namespace Forwarder.Core.Connections;

/// <summary>
/// Hashes a flow's five-tuple for the connection table's indexes. Seeded, so that a sender who
/// chooses addresses and ports cannot aim every flow at one probe chain.
/// </summary>
public static class FlowHash
{
    public static uint Compute(byte protocol, InetAddress address1, ushort port1, InetAddress address2, ushort port2, ulong seed)
    {
        // Each address's 128 bits mixed into 64 (an IPv4 address's high half is zero), the first rotated so that
        // swapping the two addresses changes the hash.
        var x = (ulong.RotateLeft(address1.Mix, 32) ^ address2.Mix) ^ seed;
        var y = ((ulong)port1 << 16) | port2 | ((ulong)protocol << 32);
        x ^= (y + seed) * 0x9E3779B97F4A7C15UL;
        // A splitmix64 finaliser: every input bit reaches the high half used below.
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return (uint)x;
    }
}
