using System.Globalization;
using System.Text;
using Forwarder.Core.Frames;

namespace Forwarder.Core.Topology;

/// <summary>
/// Reads the topology file that stands in for live interfaces in replay:
/// <c>interface NAME MAC ADDRESS/PREFIX public|private [mtu N] [inet6 ADDRESS6/PREFIX]</c>, <c>neighbor ADDRESS MAC INTERFACE</c>,
/// <c>route default via ADDRESS</c>, <c>masquerade NETWORK/PREFIX</c>; '#' starts a comment. Neighbours, the default
/// route (one per family) and masqueraded networks may be IPv6; an interface's IPv6 address is its <c>inet6</c> one
/// (and its link-local address, made from its MAC).
/// What no Linux host could be configured with, or what could only misdirect frames, is refused with its line
/// (a neighbour at the director's own or a broadcast address, a non-unicast interface MAC, a /0 link, ...);
/// what is legal but surely wrong (two interfaces with one MAC, a multicast neighbour MAC, masquerading
/// 0.0.0.0/0) is taken with a warning.
/// </summary>
public static class TopologyParser
{
    /// <summary>Linux's IFNAMSIZ: a name and its terminating NUL, so at most 15 bytes of name.</summary>
    private const int InterfaceNameSize = 16;

    /// <summary>The topology; warnings are dropped (use <see cref="ParseWithWarnings"/> to show them).</summary>
    public static DirectorTopology Parse(string text) => ParseWithWarnings(text).Topology;

    public static ParsedTopology ParseWithWarnings(string text)
    {
        var interfaces = new List<DirectorInterface>();
        var interfaceLines = new List<int>();
        var neighbors = new List<(int Line, string Address, string Mac, string Interface)>();
        Ipv4Address? gateway = null;
        var gatewayLine = 0;
        InetAddress? gateway6 = null;
        var gateway6Line = 0;
        var masquerade = new List<(Ipv4Address, int)>();
        var masquerade6 = new List<(InetAddress, int)>();
        var warnings = new List<TopologyWarning>();

        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = StripComment(rawLine);
            var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                continue;
            }
            switch (words[0])
            {
                case "interface":
                    interfaces.Add(ParseInterface(words, lineNumber, interfaces, interfaceLines, warnings));
                    interfaceLines.Add(lineNumber);
                    break;
                case "neighbor":
                case "neighbour":
                    if (words.Length != 4)
                    {
                        throw new LineFormatException(lineNumber, "expected 'neighbor ADDRESS MAC INTERFACE'");
                    }
                    neighbors.Add((lineNumber, words[1], words[2], words[3]));
                    break;
                case "route":
                    if (words.Length != 4 || words[1] != "default" || words[2] != "via")
                    {
                        throw new LineFormatException(lineNumber, "expected 'route default via ADDRESS'");
                    }
                    if (words[3].Contains(':', StringComparison.Ordinal))
                    {
                        if (gateway6 is not null)
                        {
                            throw new LineFormatException(lineNumber, "a second IPv6 default route");
                        }
                        gateway6 = ParseIpv6Address(words[3], lineNumber, "gateway");
                        gateway6Line = lineNumber;
                        break;
                    }
                    if (gateway is not null)
                    {
                        throw new LineFormatException(lineNumber, "a second default route");
                    }
                    gateway = ParseAddress(words[3], lineNumber, "gateway");
                    gatewayLine = lineNumber;
                    break;
                case "masquerade":
                    if (words.Length != 2)
                    {
                        throw new LineFormatException(lineNumber, "expected 'masquerade NETWORK/PREFIX'");
                    }
                    if (words[1].Contains(':', StringComparison.Ordinal))
                    {
                        var (network6, prefix6) = ParseIpv6Prefix(words[1], lineNumber);
                        if (prefix6 == 0)
                        {
                            warnings.Add(new TopologyWarning(lineNumber, "masquerade ::/0 takes every source address, the clients' too"));
                        }
                        masquerade6.Add((network6.Masked(prefix6), prefix6));
                        break;
                    }
                    var (network, networkPrefix) = ParsePrefix(words[1], lineNumber);
                    if (networkPrefix == 0)
                    {
                        // Legal, but every source, the clients' own included, would leave as the director's address.
                        warnings.Add(new TopologyWarning(lineNumber, $"masquerade {network}/0 takes every source address, the clients' too"));
                    }
                    masquerade.Add((network, networkPrefix));
                    break;
                default:
                    throw new LineFormatException(lineNumber, $"unknown keyword '{EchoedText.Of(words[0])}' (expected interface, neighbor, route or masquerade)");
            }
        }

        if (interfaces.Count == 0)
        {
            throw new LineFormatException(lineNumber, "no interface is defined");
        }
        if (!interfaces.Any(i => i.Role == InterfaceRole.Public))
        {
            throw new LineFormatException(lineNumber, "no public interface is defined");
        }
        if (interfaces.Count(i => i.Role == InterfaceRole.Public) > 1 || interfaces.Count(i => i.Role == InterfaceRole.Private) > 1)
        {
            throw new LineFormatException(lineNumber, "at most one public and one private interface");
        }

        var topology = new DirectorTopology(interfaces) { DefaultGateway = gateway, DefaultGateway6 = gateway6 };
        topology.MasqueradedNetworks.AddRange(masquerade);
        topology.MasqueradedNetworks6.AddRange(masquerade6);
        var neighborLines = new Dictionary<InetAddress, int>();
        foreach (var (line, address, mac, interfaceName) in neighbors)
        {
            var neighborMac = ParseMac(mac, line);
            var link = topology.FindInterface(interfaceName)
                ?? throw new LineFormatException(line, $"unknown interface '{EchoedText.Of(interfaceName)}'");
            InetAddress neighborAddress;
            if (address.Contains(':', StringComparison.Ordinal))
            {
                neighborAddress = ParseIpv6Address(address, line, "neighbor address");
                CheckIpv6HostAddress(topology, neighborAddress, line, $"neighbor {neighborAddress}");
                if (!link.IsOnLinkIpv6(neighborAddress) && !InetAddressScopes.IsLinkLocal(neighborAddress))
                {
                    throw new LineFormatException(line, link.Ipv6Address is { } own
                        ? $"neighbor {neighborAddress} is not on {EchoedText.Of(link.Name)}'s prefix {own}/{link.Ipv6PrefixLength}"
                        : $"neighbor {neighborAddress} is not link-local and {EchoedText.Of(link.Name)} has no inet6 address");
                }
            }
            else
            {
                var neighborIpv4 = ParseAddress(address, line, "neighbor address");
                CheckHostAddress(topology, neighborIpv4, line, $"neighbor {neighborIpv4}");
                if (!link.IsOnLink(neighborIpv4))
                {
                    throw new LineFormatException(line, $"neighbor {neighborIpv4} is not on {EchoedText.Of(link.Name)}'s subnet {link.Address}/{link.PrefixLength}");
                }
                neighborAddress = neighborIpv4;
            }
            if (neighborLines.TryGetValue(neighborAddress, out var firstLine))
            {
                throw new LineFormatException(line, $"neighbor {neighborAddress} is defined twice (first on line {firstLine})");
            }
            neighborLines.Add(neighborAddress, line);
            // A zero or broadcast MAC is no host's; a multicast one is legal (a cluster answering as a group) but rare.
            if (neighborMac == MacAddress.Zero || neighborMac == MacAddress.Broadcast)
            {
                throw new LineFormatException(line, $"neighbor {neighborAddress}'s MAC {neighborMac} is {(neighborMac == MacAddress.Zero ? "zero" : "the broadcast address")}, no host's");
            }
            if (IsMulticast(neighborMac))
            {
                warnings.Add(new TopologyWarning(line, $"neighbor {neighborAddress}'s MAC {neighborMac} is a multicast address: every frame to it goes to a group"));
            }
            topology.AddNeighbor(new Neighbor(neighborAddress, neighborMac, link.Index));
        }
        if (gateway is { } via)
        {
            CheckHostAddress(topology, via, gatewayLine, $"default gateway {via}");
            if (topology.FindOnLinkInterface(via.Value) is null)
            {
                throw new LineFormatException(gatewayLine, $"default gateway {via} is on none of the interfaces' subnets");
            }
        }
        if (gateway6 is { } via6)
        {
            CheckIpv6HostAddress(topology, via6, gateway6Line, $"default gateway {via6}");
            if (topology.FindOnLinkInterface(via6) is null)
            {
                throw new LineFormatException(gateway6Line, $"default gateway {via6} is on none of the interfaces' IPv6 prefixes");
            }
        }
        warnings.Sort((a, b) => a.LineNumber.CompareTo(b.LineNumber));
        return new ParsedTopology(topology, warnings);
    }

    private static DirectorInterface ParseInterface(string[] words, int lineNumber, List<DirectorInterface> existing, List<int> existingLines,
        List<TopologyWarning> warnings)
    {
        if (words.Length is not (5 or 7 or 9) || !OptionsAreKnown(words))
        {
            throw new LineFormatException(lineNumber, "expected 'interface NAME MAC ADDRESS/PREFIX public|private [mtu N] [inet6 ADDRESS/PREFIX]'");
        }
        var name = words[1];
        CheckInterfaceName(name, lineNumber);
        if (existing.Any(i => i.Name == name))
        {
            throw new LineFormatException(lineNumber, $"interface '{EchoedText.Of(name)}' is defined twice");
        }
        var mac = ParseMac(words[2], lineNumber);
        // As the kernel's is_valid_ether_addr: an interface's own MAC is unicast and not zero.
        if (mac == MacAddress.Zero || IsMulticast(mac))
        {
            var what = mac == MacAddress.Zero ? "zero" : mac == MacAddress.Broadcast ? "the broadcast address" : "a multicast address";
            throw new LineFormatException(lineNumber, $"interface {name}'s MAC {mac} is {what}; an interface's MAC is unicast");
        }
        var (address, prefix) = ParsePrefix(words[3], lineNumber);
        if (address.Value == 0 || address.Value == uint.MaxValue || IsMulticast(address))
        {
            throw new LineFormatException(lineNumber, $"interface {name}'s address {address} is not a host address");
        }
        if (prefix == 0)
        {
            throw new LineFormatException(lineNumber, $"interface {name}'s /0 puts every address on its link, so no route is ever used");
        }
        if (IsSubnetBroadcast(address, address, prefix))
        {
            throw new LineFormatException(lineNumber, $"interface {name}'s address {address} is the broadcast address of its subnet /{prefix}");
        }
        var role = words[4] switch
        {
            "public" => InterfaceRole.Public,
            "private" => InterfaceRole.Private,
            _ => throw new LineFormatException(lineNumber, $"role '{EchoedText.Of(words[4])}' is neither public nor private"),
        };
        var mtu = 1500;
        var mtuAt = Array.IndexOf(words, "mtu", 5);
        if (mtuAt > 0 && (!int.TryParse(words[mtuAt + 1], NumberStyles.None, CultureInfo.InvariantCulture, out mtu) || mtu is < 68 or > 65535))
        {
            throw new LineFormatException(lineNumber, $"bad mtu '{EchoedText.Of(words[mtuAt + 1])}'");
        }
        InetAddress? ipv6 = null;
        var ipv6Prefix = 0;
        var inet6At = Array.IndexOf(words, "inet6", 5);
        if (inet6At > 0)
        {
            var (address6, prefix6) = ParseIpv6Prefix(words[inet6At + 1], lineNumber);
            if (prefix6 == 0 || InetAddressScopes.IsMulticast(address6) || InetAddressScopes.IsUnspecifiedOrLoopback(address6) || InetAddressScopes.IsLinkLocal(address6))
            {
                throw new LineFormatException(lineNumber, $"interface {name}'s inet6 {address6}/{prefix6} is not a global host address on a prefix");
            }
            ipv6 = address6;
            ipv6Prefix = prefix6;
        }
        var sameMac = existing.FindIndex(i => i.Mac == mac);
        if (sameMac >= 0)
        {
            // Legal (VLANs of one NIC share its MAC), but two legs of a director are surely two NICs.
            warnings.Add(new TopologyWarning(lineNumber, $"interface {name} has the MAC {mac} of {existing[sameMac].Name} (line {existingLines[sameMac]})"));
        }
        return new DirectorInterface(existing.Count, name, mac, address, prefix, role, mtu) { Ipv6Address = ipv6, Ipv6PrefixLength = ipv6Prefix };
    }

    /// <summary>The words after the role are "mtu N" and "inet6 A/P" pairs, each at most once.</summary>
    private static bool OptionsAreKnown(string[] words)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 5; i + 1 < words.Length; i += 2)
        {
            if (words[i] is not ("mtu" or "inet6") || !seen.Add(words[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>An IPv6 neighbour or gateway is some other host: not multicast, unspecified or loopback, not the director's own.</summary>
    private static void CheckIpv6HostAddress(DirectorTopology topology, InetAddress address, int lineNumber, string what)
    {
        if (InetAddressScopes.IsMulticast(address) || InetAddressScopes.IsUnspecifiedOrLoopback(address))
        {
            throw new LineFormatException(lineNumber, $"{what} is not a host address");
        }
        if (topology.Interfaces.FirstOrDefault(i => i.Owns(address)) is { } own)
        {
            throw new LineFormatException(lineNumber, $"{what} is the director's own address (on {own.Name})");
        }
    }

    private static (InetAddress, int) ParseIpv6Prefix(string text, int lineNumber)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            throw new LineFormatException(lineNumber, $"'{EchoedText.Of(text)}' lacks a /PREFIX");
        }
        var address = ParseIpv6Address(text[..slash], lineNumber, "address");
        if (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > 128)
        {
            throw new LineFormatException(lineNumber, $"bad prefix length in '{EchoedText.Of(text)}'");
        }
        return (address, prefix);
    }

    private static InetAddress ParseIpv6Address(string text, int lineNumber, string what) =>
        InetAddress.TryParseIpv6(text, out var address) ? address : throw new LineFormatException(lineNumber, $"bad {what} '{EchoedText.Of(text)}'");

    /// <summary>
    /// As the kernel's dev_valid_name: 1 to 15 bytes (IFNAMSIZ less the NUL), not "." or "..", no '/', ':' or
    /// white space; and, stricter than Linux, no control characters, which no one means in a name.
    /// </summary>
    private static void CheckInterfaceName(string name, int lineNumber)
    {
        var bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes >= InterfaceNameSize)
        {
            throw new LineFormatException(lineNumber,
                $"interface name '{EchoedText.Of(name)}' is {bytes} bytes long; Linux allows at most {InterfaceNameSize - 1}");
        }
        if (name is "." or ".." || name.Any(c => c is '/' or ':' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new LineFormatException(lineNumber,
                $"interface name '{EchoedText.Of(name)}' is not one Linux allows (not . or .., no '/', ':', white space or control characters)");
        }
    }

    /// <summary>A neighbour or gateway is some other host: not the director, not a broadcast, multicast or zero address.</summary>
    private static void CheckHostAddress(DirectorTopology topology, Ipv4Address address, int lineNumber, string what)
    {
        if (address.Value == 0 || address.Value == uint.MaxValue || IsMulticast(address))
        {
            throw new LineFormatException(lineNumber, $"{what} is not a host address");
        }
        if (topology.Interfaces.FirstOrDefault(i => i.Address == address) is { } own)
        {
            throw new LineFormatException(lineNumber, $"{what} is the director's own address (on {own.Name})");
        }
        if (topology.Interfaces.FirstOrDefault(i => IsSubnetBroadcast(address, i.Address, i.PrefixLength)) is { } link)
        {
            throw new LineFormatException(lineNumber, $"{what} is the broadcast address of {link.Name}'s subnet {link.Address}/{link.PrefixLength}");
        }
    }

    /// <summary>Whether the address is the all-ones host of the subnet; /31 and /32 links have no broadcast address (RFC 3021).</summary>
    private static bool IsSubnetBroadcast(Ipv4Address address, Ipv4Address onLink, int prefixLength) =>
        prefixLength is > 0 and <= 30 && address.IsInSubnet(onLink, prefixLength) && (address.Value | Ipv4Address.PrefixMask(prefixLength)) == uint.MaxValue;

    private static bool IsMulticast(Ipv4Address address) => address.Value >> 28 == 0xE;

    /// <summary>The group bit, the lowest bit of the first octet (the broadcast address has it too).</summary>
    private static bool IsMulticast(MacAddress mac) => ((mac.Value >> 40) & 1) == 1;

    private static (Ipv4Address, int) ParsePrefix(string text, int lineNumber)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            throw new LineFormatException(lineNumber, $"'{EchoedText.Of(text)}' lacks a /PREFIX");
        }
        if (!Ipv4Address.TryParseNetwork(text, out var address, out var prefix))
        {
            throw Ipv4Address.TryParse(text.AsSpan(0, slash), out _)
                ? new LineFormatException(lineNumber, $"bad prefix length in '{EchoedText.Of(text)}'")
                : new LineFormatException(lineNumber, $"bad address '{EchoedText.Of(text[..slash])}'");
        }
        return (address, prefix);
    }

    private static Ipv4Address ParseAddress(string text, int lineNumber, string what) =>
        Ipv4Address.TryParse(text, out var address) ? address : throw new LineFormatException(lineNumber, $"bad {what} '{EchoedText.Of(text)}'");

    private static MacAddress ParseMac(string text, int lineNumber) =>
        MacAddress.TryParse(text, out var mac) ? mac : throw new LineFormatException(lineNumber, $"bad MAC address '{EchoedText.Of(text)}'");

    private static string StripComment(string line)
    {
        var hash = line.IndexOf('#', StringComparison.Ordinal);
        return (hash < 0 ? line : line[..hash]).Trim();
    }
}
