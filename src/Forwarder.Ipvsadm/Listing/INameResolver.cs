using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Listing;

/// <summary>
/// The name lookups ipvsadm makes when listing without -n: a host name for an address
/// (<c>gethostbyaddr</c>) and a service name for a port (<c>getservbyport</c>). Null means "no name":
/// the listing then prints the number.
/// </summary>
public interface INameResolver
{
    string? HostName(Ipv4Address address);

    string? PortName(ushort port, IpProtocol protocol);
}
