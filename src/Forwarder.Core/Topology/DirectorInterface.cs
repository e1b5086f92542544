using Forwarder.Core.Frames;

namespace Forwarder.Core.Topology;

/// <summary>
/// One of the director's network interfaces: the facts the engine needs to address frames out of it. Its IPv6 side,
/// when it has one, is a global address and prefix (<see cref="Ipv6Address"/>) beside the link-local address every
/// IPv6 interface has, made from its MAC as Linux makes it by default (EUI-64, RFC 4291 appendix A).
/// </summary>
public sealed record DirectorInterface(int Index, string Name, MacAddress Mac, Ipv4Address Address, int PrefixLength, InterfaceRole Role, int Mtu = 1500)
{
    /// <summary>The interface's global IPv6 address, if it has one.</summary>
    public InetAddress? Ipv6Address { get; init; }

    public int Ipv6PrefixLength { get; init; }

    /// <summary>fe80::/64 with the MAC's EUI-64 interface identifier (the universal/local bit flipped, ff:fe in the middle).</summary>
    public InetAddress LinkLocalAddress => InetAddress.FromIpv6(0xFE80_0000_0000_0000UL,
        ((Mac.Value >> 24) << 40 | 0xFF_FE00_0000UL | (Mac.Value & 0xFF_FFFFUL)) ^ 0x0200_0000_0000_0000UL);

    public bool IsOnLink(Ipv4Address address) => address.IsInSubnet(Address, PrefixLength);

    /// <summary>Whether an IPv6 address is on this link: inside its global prefix (link-local ones are on every link).</summary>
    public bool IsOnLinkIpv6(InetAddress address) =>
        Ipv6Address is { } own && address.IsIpv6 && address.IsInPrefix(own, Ipv6PrefixLength);

    /// <summary>Whether <paramref name="address"/> is one of this interface's own: its IPv4, global IPv6 or link-local address.</summary>
    public bool Owns(InetAddress address) =>
        address.IsIpv4 ? address.Ipv4Value == Address.Value : address == Ipv6Address || address == LinkLocalAddress;

    /// <summary>The address the director sends from on this link toward <paramref name="destination"/> (RFC 6724's scope rule: a global one for a global destination when it has one).</summary>
    public InetAddress Ipv6SourceFor(InetAddress destination) =>
        Ipv6Address is { } global && !InetAddressScopes.IsLinkLocal(destination) ? global : LinkLocalAddress;
}
