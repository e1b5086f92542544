namespace Forwarder.Core.Frames;

/// <summary>
/// ICMPv6 error types (RFC 4443 section 3) beside <see cref="Icmpv6Messages"/>' own: which IPVS relays, and Packet Too
/// Big, which the director's tunnels send (built by <see cref="Icmpv6Messages.WriteError"/>, the quote cut to
/// <see cref="MaximumQuote"/>).
/// </summary>
public static class Icmpv6Errors
{
    public const byte DestinationUnreachable = Icmpv6Messages.DestinationUnreachable;
    public const byte PacketTooBig = Icmpv6Messages.PacketTooBig;
    public const byte TimeExceeded = Icmpv6Messages.TimeExceeded;
    public const byte ParameterProblem = 4;

    /// <summary>The IPv6 minimum link MTU (RFC 8200 5): no tunnel may leave less, and no error the director sends is longer.</summary>
    public const int MinimumMtu = 1280;

    /// <summary>As icmp6_send: an error quotes as much of the offending packet as keeps it within <see cref="MinimumMtu"/> (1280 - 40 - 8 bytes).</summary>
    public const int MaximumQuote = MinimumMtu - Ipv6Layout.HeaderLength - IcmpLayout.HeaderLength;

    /// <summary>
    /// The errors ip_vs_in_icmp_v6 and ip_vs_out_icmp_v6 relay for a connection: destination unreachable, packet too
    /// big, time exceeded (a parameter problem and every informational message, type 128 and up, are not relayed).
    /// </summary>
    public static bool IsRelayed(byte type) => type is DestinationUnreachable or PacketTooBig or TimeExceeded;
}
