using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Control;

/// <summary>The forward lookups ipvsadm makes for its arguments: <c>gethostbyname</c> for a host, <c>getservbyname</c> for a port name. Null: not known.</summary>
public interface INameLookup
{
    Ipv4Address? Address(string host);

    ushort? Port(string name, IpProtocol protocol);
}
