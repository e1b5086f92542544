namespace Forwarder.Core.Marking;

/// <summary>Which save a rule came from: iptables-save (IPv4) or ip6tables-save (IPv6).</summary>
public enum MarkFamily : byte
{
    Ipv4,
    Ipv6,
}
