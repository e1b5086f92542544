using Forwarder.Core.Frames;

namespace Forwarder.Core.Topology;

/// <summary>
/// The director's interfaces, its static neighbours, its default route and the networks it masquerades:
/// read from a topology file in replay, from the system when live.
/// </summary>
public sealed class DirectorTopology
{
    private readonly Dictionary<InetAddress, Neighbor> _neighbors = new();

    // Looped over on the new-flow path: an array, so no enumerator is allocated.
    private readonly DirectorInterface[] _interfaces;
    private Ipv4Address? _defaultGateway;
    private InetAddress? _defaultGateway6;

    public DirectorTopology(IReadOnlyList<DirectorInterface> interfaces)
    {
        if (interfaces.Count == 0)
        {
            throw new ArgumentException("a director needs at least one interface", nameof(interfaces));
        }
        Interfaces = interfaces;
        _interfaces = interfaces.ToArray();
        Public = interfaces.FirstOrDefault(i => i.Role == InterfaceRole.Public)
            ?? throw new ArgumentException("a director needs a public interface", nameof(interfaces));
        Private = interfaces.FirstOrDefault(i => i.Role == InterfaceRole.Private) ?? Public;
    }

    public IReadOnlyList<DirectorInterface> Interfaces { get; }

    /// <summary>The interface facing the clients, where virtual services are reached.</summary>
    public DirectorInterface Public { get; }

    /// <summary>The interface facing the real servers (the public one when the director has only one).</summary>
    public DirectorInterface Private { get; }

    public Ipv4Address? DefaultGateway
    {
        get => _defaultGateway;
        set
        {
            _defaultGateway = value;
            RouteVersion++;
        }
    }

    /// <summary>The IPv6 default route's gateway, on one of the interfaces' IPv6 prefixes.</summary>
    public InetAddress? DefaultGateway6
    {
        get => _defaultGateway6;
        set
        {
            _defaultGateway6 = value;
            RouteVersion++;
        }
    }

    /// <summary>Moves on whenever a route changes, so that routes cached from an earlier version are found again.</summary>
    public int RouteVersion { get; private set; }

    public List<(Ipv4Address Network, int PrefixLength)> MasqueradedNetworks { get; } = new();

    /// <summary>The IPv6 networks masqueraded behind the public interface's IPv6 address.</summary>
    public List<(InetAddress Network, int PrefixLength)> MasqueradedNetworks6 { get; } = new();

    public IEnumerable<Neighbor> Neighbors => _neighbors.Values;

    public void AddNeighbor(Neighbor neighbor) => _neighbors[neighbor.Address] = neighbor;

    public bool TryGetNeighbor(InetAddress address, out Neighbor neighbor) => _neighbors.TryGetValue(address, out neighbor);

    public DirectorInterface? FindInterface(string name) => Interfaces.FirstOrDefault(i => i.Name == name);

    /// <summary>The interface whose subnet holds <paramref name="address"/>, or null when it is off-link.</summary>
    public DirectorInterface? FindOnLinkInterface(uint address)
    {
        foreach (var candidate in _interfaces)
        {
            if (candidate.IsOnLink(new Ipv4Address(address)))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>The interface whose IPv4 subnet or IPv6 prefix holds <paramref name="address"/>, or null when it is off-link.</summary>
    public DirectorInterface? FindOnLinkInterface(InetAddress address)
    {
        if (address.IsIpv4)
        {
            return FindOnLinkInterface(address.Ipv4Value);
        }
        foreach (var candidate in _interfaces)
        {
            if (candidate.IsOnLinkIpv6(address))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>True when <paramref name="address"/> is one of the director's own addresses, IPv4 or IPv6 (link-local too).</summary>
    public bool IsOwnAddress(InetAddress address)
    {
        if (address.IsIpv4)
        {
            return IsOwnAddress(address.Ipv4Value);
        }
        foreach (var candidate in _interfaces)
        {
            if (candidate.Owns(address))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>True when <paramref name="address"/> is one of the director's own interface addresses.</summary>
    public bool IsOwnAddress(uint address)
    {
        foreach (var candidate in _interfaces)
        {
            if (candidate.Address.Value == address)
            {
                return true;
            }
        }
        return false;
    }
}
