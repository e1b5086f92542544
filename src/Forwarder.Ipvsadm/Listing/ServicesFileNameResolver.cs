using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Naming;

namespace Forwarder.Ipvsadm.Listing;

/// <summary>
/// Port names as <c>getservbyport</c> finds them: the first line of an /etc/services-style text that names
/// the port for the protocol. Where there is no services file (a minimal container), a small built-in table of
/// well-known ports stands in for it; where there is one, it alone decides, as it does for ipvsadm (so
/// 80/udp has no name on a system whose file lists only http 80/tcp). Host names come from an injected
/// lookup (none by default, so addresses stay numeric).
/// </summary>
public sealed class ServicesFileNameResolver : INameResolver
{
    private readonly ServiceNames _services;
    private readonly Func<Ipv4Address, string?> _hostNames;

    private ServicesFileNameResolver(ServiceNames services, Func<Ipv4Address, string?>? hostNames)
    {
        _services = services;
        _hostNames = hostNames ?? (_ => null);
    }

    /// <param name="servicesText">The content of a services file, or null when there is none (the built-in table is used).</param>
    /// <param name="hostNames">Reverse lookup of an address; null for none.</param>
    public ServicesFileNameResolver(string? servicesText, Func<Ipv4Address, string?>? hostNames = null)
        : this(servicesText is null ? ServiceNames.BuiltIn : ServiceNames.Parse(servicesText), hostNames)
    {
    }

    /// <summary>The system's services file (when there is one) and hosts file.</summary>
    public static ServicesFileNameResolver FromSystem() => new(ServiceNames.System, HostNames.System.NameOf);

    public string? HostName(Ipv4Address address) => _hostNames(address);

    public string? PortName(ushort port, IpProtocol protocol) => _services.NameOf(port, protocol);
}
