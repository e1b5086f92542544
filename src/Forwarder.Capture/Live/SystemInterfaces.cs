using System.Net.NetworkInformation;
using System.Net.Sockets;
using Forwarder.Core.Frames;
using Forwarder.Core.Topology;

namespace Forwarder.Capture.Live;

/// <summary>Reads the director's topology from the running system: interfaces' MACs, addresses and MTUs, and the default route.</summary>
public static class SystemInterfaces
{
    public static DirectorTopology Read(string publicName, string privateName, IEnumerable<(Ipv4Address Network, int PrefixLength)> masquerade)
    {
        var all = NetworkInterface.GetAllNetworkInterfaces();
        var interfaces = new List<DirectorInterface>
        {
            Describe(all, publicName, 0, InterfaceRole.Public),
            Describe(all, privateName, 1, InterfaceRole.Private),
        };
        var topology = new DirectorTopology(interfaces) { DefaultGateway = DefaultGateway() };
        topology.MasqueradedNetworks.AddRange(masquerade);
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
        return new DirectorInterface(index, name, mac, Ipv4Address.Parse(address.Address.ToString()), address.PrefixLength, role, mtu);
    }

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
