namespace Forwarder.Core.Scheduling;

/// <summary>
/// The kernel's multiplicative (golden ratio) hash used by dh, sh, lblc and lblcr: the host-order value
/// times 2654435761, masked to the table's bits. The kernel multiplies in 64 bits, but only the low bits
/// are kept, so 32-bit wrapping arithmetic gives the same bucket.
/// </summary>
internal static class MultiplicativeHash
{
    public const uint GoldenRatioPrime = 2654435761u;

    public static int Fold(uint value, int bits) => (int)(unchecked(value * GoldenRatioPrime) & ((1u << bits) - 1));
}
