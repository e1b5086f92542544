namespace Forwarder.Core.Services;

/// <summary>
/// How a tunnelled (-i) destination's packets are encapsulated: ipvsadm's --tun-type, numbered as the kernel's
/// IP_VS_CONN_F_TUNNEL_TYPE_* values. Forwarder's data path encapsulates IP-in-IP only.
/// </summary>
public enum TunnelType : byte
{
    Ipip = 0,
    Gue = 1,
    Gre = 2,
}
