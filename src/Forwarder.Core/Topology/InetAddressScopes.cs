using Forwarder.Core.Frames;

namespace Forwarder.Core.Topology;

/// <summary>The IPv6 address kinds the topology and Neighbour Discovery tell apart (RFC 4291 2.4).</summary>
public static class InetAddressScopes
{
    /// <summary>fe80::/10.</summary>
    public static bool IsLinkLocal(InetAddress address) => address.IsIpv6 && (address.High >> 54) == 0x3FA;

    /// <summary>ff00::/8.</summary>
    public static bool IsMulticast(InetAddress address) => address.IsIpv6 && (address.High >> 56) == 0xFF;

    /// <summary>:: (the unspecified address) or ::1 (loopback): never a neighbour's.</summary>
    public static bool IsUnspecifiedOrLoopback(InetAddress address) => address.IsIpv6 && address.High == 0 && address.Low <= 1;
}
