namespace Forwarder.Core.Transmit;

/// <summary>
/// The IPv4 identification of the packets the director makes itself (tunnel headers, ICMP messages): one
/// counter for all of them, so a replay repeats them exactly.
/// </summary>
public sealed class Ipv4Identification
{
    private ushort _next;

    public ushort Next() => _next++;
}
