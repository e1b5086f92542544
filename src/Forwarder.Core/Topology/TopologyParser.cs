using System.Globalization;
using Forwarder.Core.Frames;

namespace Forwarder.Core.Topology;

/// <summary>
/// Reads the topology file that stands in for live interfaces in replay:
/// <c>interface NAME MAC ADDRESS/PREFIX public|private [mtu N]</c>, <c>neighbor ADDRESS MAC INTERFACE</c>,
/// <c>route default via ADDRESS</c>, <c>masquerade NETWORK/PREFIX</c>; '#' starts a comment.
/// </summary>
public static class TopologyParser
{
    public static DirectorTopology Parse(string text)
    {
        var interfaces = new List<DirectorInterface>();
        var neighbors = new List<(int Line, string Address, string Mac, string Interface)>();
        Ipv4Address? gateway = null;
        var gatewayLine = 0;
        var masquerade = new List<(Ipv4Address, int)>();

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
                    interfaces.Add(ParseInterface(words, lineNumber, interfaces));
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
                    masquerade.Add(ParsePrefix(words[1], lineNumber));
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

        var topology = new DirectorTopology(interfaces) { DefaultGateway = gateway };
        topology.MasqueradedNetworks.AddRange(masquerade);
        foreach (var (line, address, mac, interfaceName) in neighbors)
        {
            var neighborAddress = ParseAddress(address, line, "neighbor address");
            var neighborMac = ParseMac(mac, line);
            var link = topology.FindInterface(interfaceName)
                ?? throw new LineFormatException(line, $"unknown interface '{EchoedText.Of(interfaceName)}'");
            if (!link.IsOnLink(neighborAddress))
            {
                throw new LineFormatException(line, $"neighbor {neighborAddress} is not on {EchoedText.Of(link.Name)}'s subnet {link.Address}/{link.PrefixLength}");
            }
            topology.AddNeighbor(new Neighbor(neighborAddress, neighborMac, link.Index));
        }
        if (gateway is { } via && topology.FindOnLinkInterface(via.Value) is null)
        {
            throw new LineFormatException(gatewayLine, $"default gateway {via} is on none of the interfaces' subnets");
        }
        return topology;
    }

    private static DirectorInterface ParseInterface(string[] words, int lineNumber, List<DirectorInterface> existing)
    {
        if (words.Length is not (5 or 7) || (words.Length == 7 && words[5] != "mtu"))
        {
            throw new LineFormatException(lineNumber, "expected 'interface NAME MAC ADDRESS/PREFIX public|private [mtu N]'");
        }
        var name = words[1];
        if (existing.Any(i => i.Name == name))
        {
            throw new LineFormatException(lineNumber, $"interface '{EchoedText.Of(name)}' is defined twice");
        }
        var mac = ParseMac(words[2], lineNumber);
        var (address, prefix) = ParsePrefix(words[3], lineNumber);
        var role = words[4] switch
        {
            "public" => InterfaceRole.Public,
            "private" => InterfaceRole.Private,
            _ => throw new LineFormatException(lineNumber, $"role '{EchoedText.Of(words[4])}' is neither public nor private"),
        };
        var mtu = 1500;
        if (words.Length == 7 && (!int.TryParse(words[6], NumberStyles.None, CultureInfo.InvariantCulture, out mtu) || mtu is < 68 or > 65535))
        {
            throw new LineFormatException(lineNumber, $"bad mtu '{EchoedText.Of(words[6])}'");
        }
        return new DirectorInterface(existing.Count, name, mac, address, prefix, role, mtu);
    }

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
