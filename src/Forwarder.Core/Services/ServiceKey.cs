using Forwarder.Core.Frames;

namespace Forwarder.Core.Services;

/// <summary>
/// What names a virtual service: protocol, virtual address (IPv4 or IPv6) and port (host order) for a TCP, UDP or
/// SCTP service; or, for a firewall-mark service (ipvsadm -f), its mark alone, with protocol TCP and address and port
/// 0 as the kernel keeps them (ip_vs_genl_parse_service): build one with <see cref="ForFirewallMark"/>.
/// </summary>
public readonly record struct ServiceKey(IpProtocol Protocol, InetAddress Address, ushort Port, uint FirewallMark = 0)
{
    public static ServiceKey ForFirewallMark(uint mark) => new(IpProtocol.Tcp, default, 0, mark);

    /// <summary>
    /// The mark's service of one family: the kernel keys a firewall-mark service by family and mark (ipvsadm -f N -6
    /// is another service than -f N), held here as the family's unspecified address.
    /// </summary>
    public static ServiceKey ForFirewallMark(uint mark, IpFamily family) =>
        family == IpFamily.Ipv6 ? new(IpProtocol.Tcp, InetAddress.Ipv6Any, 0, mark) : ForFirewallMark(mark);

    public bool IsFirewallMark => FirewallMark != 0;

    public override int GetHashCode() => (int)(Address.Fold() * 2654435761u) ^ (Port << 8) ^ (int)Protocol ^ (int)(FirewallMark * 0x9E3779B1u);
}
