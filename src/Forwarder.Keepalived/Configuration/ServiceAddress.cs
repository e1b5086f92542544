using System.Net;
using System.Net.Sockets;

namespace Forwarder.Keepalived.Configuration;

/// <summary>
/// An address, port and protocol: a virtual service as ipvsadm names it, or a real server; or, with a
/// <paramref name="FirewallMark"/>, a firewall-mark service (ipvsadm -f), whose address and port mean nothing.
/// </summary>
public sealed record ServiceAddress(IPAddress Address, ushort Port, LvsProtocol Protocol, uint FirewallMark = 0)
{
    /// <summary>A firewall-mark service of the given mark; its family held as the unspecified address of that family (ipvsadm -6).</summary>
    public static ServiceAddress ForFirewallMark(uint mark, AddressFamily family = AddressFamily.InterNetwork) =>
        new(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0, LvsProtocol.None, mark);

    public bool IsIpv6 => Address.AddressFamily == AddressFamily.InterNetworkV6;

    public bool IsFirewallMark => FirewallMark != 0;

    /// <summary>
    /// keepalived's way of writing one in its logs (inet_sockaddrtotrio): <c>[192.168.1.199]:tcp:80</c>; a
    /// firewall-mark service as format_vs writes it, <c>FWM 7</c>.
    /// </summary>
    public override string ToString() => IsFirewallMark ? $"FWM {FirewallMark}" : $"[{Address}]:{ProtocolName}:{Port}";

    public string ProtocolName => Protocol switch
    {
        LvsProtocol.Udp => "udp",
        LvsProtocol.Sctp => "sctp",
        LvsProtocol.None => "none",
        _ => "tcp",
    };

    /// <summary>ipvsadm's ADDRESS:PORT, an IPv6 address in brackets.</summary>
    public string Endpoint => EndpointOf(Address, Port);

    /// <summary>ipvsadm's way of writing an address and port: <c>10.0.0.1:80</c>, <c>[2001:db8::1]:80</c>.</summary>
    public static string EndpointOf(IPAddress address, ushort port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
}
