namespace Forwarder.Core.Scheduling;

/// <summary>
/// The kernel's <c>hash_32</c>, which dh, sh, lblc and lblcr key their tables with since Linux 4.18: the
/// host-order value times the 32-bit golden ratio 0x61C88647, wrapping, and the <b>top</b> bits of that
/// product taken as the bucket. (Older kernels multiplied by 2654435761 and kept the low bits, which for
/// a 256-bucket table depended on the address's last byte alone.)
/// </summary>
internal static class MultiplicativeHash
{
    public const uint GoldenRatio32 = 0x61C88647u;

    public static int Fold(uint value, int bits) => (int)(unchecked(value * GoldenRatio32) >> (32 - bits));
}
