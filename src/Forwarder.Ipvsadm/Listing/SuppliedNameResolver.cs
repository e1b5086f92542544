using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Listing;

/// <summary>The names the admin process resolved and sent with its listing request: the director looks nothing up itself.</summary>
public sealed class SuppliedNameResolver : INameResolver
{
    private readonly Dictionary<Ipv4Address, string> _hosts;
    private readonly Dictionary<(ushort, IpProtocol), string> _ports;

    public SuppliedNameResolver(Dictionary<Ipv4Address, string> hosts, Dictionary<(ushort, IpProtocol), string> ports)
    {
        _hosts = hosts;
        _ports = ports;
    }

    public string? HostName(Ipv4Address address) => _hosts.GetValueOrDefault(address);

    public string? PortName(ushort port, IpProtocol protocol) => _ports.GetValueOrDefault((port, protocol));
}
