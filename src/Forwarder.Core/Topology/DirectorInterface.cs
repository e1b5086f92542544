using Forwarder.Core.Frames;

namespace Forwarder.Core.Topology;

/// <summary>One of the director's network interfaces: the facts the engine needs to address frames out of it.</summary>
public sealed record DirectorInterface(int Index, string Name, MacAddress Mac, Ipv4Address Address, int PrefixLength, InterfaceRole Role, int Mtu = 1500)
{
    public bool IsOnLink(Ipv4Address address) => address.IsInSubnet(Address, PrefixLength);
}
