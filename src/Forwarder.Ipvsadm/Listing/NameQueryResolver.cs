using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Listing;

/// <summary>
/// Knows no names, and remembers every one a listing asked for: the director's half of the first round of
/// <see cref="Control.ClientNaming"/>, which tells the admin process what to resolve.
/// </summary>
public sealed class NameQueryResolver : INameResolver
{
    private readonly HashSet<Ipv4Address> _hosts = [];
    private readonly HashSet<(ushort, IpProtocol)> _ports = [];

    public IReadOnlyCollection<Ipv4Address> Hosts => _hosts;

    public IReadOnlyCollection<(ushort Port, IpProtocol Protocol)> Ports => _ports;

    public string? HostName(Ipv4Address address)
    {
        _hosts.Add(address);
        return null;
    }

    public string? PortName(ushort port, IpProtocol protocol)
    {
        _ports.Add((port, protocol));
        return null;
    }
}
