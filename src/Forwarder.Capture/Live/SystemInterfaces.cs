using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Forwarder.Core.Frames;
using Forwarder.Core.Topology;

namespace Forwarder.Capture.Live;

/// <summary>
/// Reads the director's topology from the running system: interfaces' MACs, addresses (IPv4, and the global IPv6 one
/// with its prefix where there is one) and MTUs, and the IPv4 and IPv6 default routes.
/// </summary>
public static class SystemInterfaces
{
    public static DirectorTopology Read(string publicName, string privateName, IEnumerable<(Ipv4Address Network, int PrefixLength)> masquerade) =>
        Read(publicName, privateName, masquerade, []);

    public static DirectorTopology Read(string publicName, string privateName, IEnumerable<(Ipv4Address Network, int PrefixLength)> masquerade,
        IEnumerable<(InetAddress Network, int PrefixLength)> masquerade6)
    {
        var all = NetworkInterface.GetAllNetworkInterfaces();
        var interfaces = new List<DirectorInterface>
        {
            Describe(all, publicName, 0, InterfaceRole.Public),
            Describe(all, privateName, 1, InterfaceRole.Private),
        };
        var topology = new DirectorTopology(interfaces) { DefaultGateway = DefaultGateway(), DefaultGateway6 = DefaultGateway6(interfaces) };
        topology.MasqueradedNetworks.AddRange(masquerade);
        topology.MasqueradedNetworks6.AddRange(masquerade6);
        return topology;
    }

    private static DirectorInterface Describe(NetworkInterface[] all, string name, int index, InterfaceRole role)
    {
        var nic = all.FirstOrDefault(n => n.Name == name) ?? throw new InvalidOperationException($"{name}: no such interface");
        var properties = nic.GetIPProperties();
        var address = properties.UnicastAddresses.FirstOrDefault(a => a.Address.AddressFamily == AddressFamily.InterNetwork)
            ?? throw new InvalidOperationException($"{name}: has no IPv4 address");
        var mac = MacAddress.Read(nic.GetPhysicalAddress().GetAddressBytes());
        var mtu = properties.GetIPv4Properties()?.Mtu ?? 1500;
        var ipv6 = properties.UnicastAddresses.FirstOrDefault(a => IsGlobalIpv6(a.Address));
        return new DirectorInterface(index, name, mac, Ipv4Address.Parse(address.Address.ToString()), address.PrefixLength, role, mtu)
        {
            Ipv6Address = ipv6 is null ? null : InetAddress.ReadIpv6(ipv6.Address.GetAddressBytes()),
            Ipv6PrefixLength = ipv6?.PrefixLength ?? 0,
        };
    }

    /// <summary>
    /// An address the director can be reached at and send from beyond the link: IPv6, not link-local (every interface
    /// has one of those, made from its MAC), not loopback, not IPv4-mapped.
    /// </summary>
    private static bool IsGlobalIpv6(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && !address.IsIPv6LinkLocal && !IPAddress.IsLoopback(address) &&
        !address.IsIPv4MappedToIPv6 && !address.IsIPv6Multicast;

    /// <summary>The IPv6 default route's gateway when it leaves through one of the director's interfaces.</summary>
    private static InetAddress? DefaultGateway6(List<DirectorInterface> interfaces) =>
        Ipv6RouteTable.DefaultGateway() is { } route && interfaces.Any(i => i.Name == route.Device) ? route.Gateway : null;

    /// <summary>The IPv4 default route's gateway from /proc/net/route, if there is one.</summary>
    private static Ipv4Address? DefaultGateway()
    {
        const string Routes = "/proc/net/route";
        if (!File.Exists(Routes))
        {
            return null;
        }
        foreach (var line in File.ReadLines(Routes).Skip(1))
        {
            var fields = line.Split('\t', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 2 && fields[1] == "00000000" && uint.TryParse(fields[2], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var gateway) && gateway != 0)
            {
                // The file holds addresses in the host's (little-endian) byte order.
                return new Ipv4Address(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(gateway));
            }
        }
        return null;
    }
}
