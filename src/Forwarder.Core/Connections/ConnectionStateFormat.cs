using System.Globalization;
using System.Text;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Core.Connections;

/// <summary>
/// The state file's text: a versioned line format, chosen over a binary dump because two different builds (an
/// upgrade) must read each other's files, an operator can read one with <c>less</c>, and a bad line can be named.
/// <code>
/// forwarder-connections 1
/// saved WALL-CLOCK-µs
/// KIND ID PROTO CLIENT:PORT VIRTUAL:PORT DEST:PORT SERVICE:PORT SERVER-PORT METHOD STATE FLAGS REMAINING-µs TEMPLATE-ID
/// ...
/// end COUNT CHECKSUM
/// </code>
/// KIND is <c>t</c> (a persistence template) or <c>c</c> (a connection); templates come first, so a connection only
/// names a template already read. FLAGS is <c>-</c> or a comma list of <c>no-output</c>, <c>detached</c>. The end line
/// holds the entry count and an FNV-1a 64 checksum of every line before it, so a truncated or altered file is refused
/// whole. Every field is checked; nothing in the file is trusted.
/// </summary>
public static class ConnectionStateFormat
{
    public const string Magic = "forwarder-connections";
    public const int Version = 1;
    private const int Fields = 13;
    private const string FirewallMarkPrefix = "fwm:";
    private const string Ipv6FirewallMarkPrefix = "fwm6:";

    public static string Write(IReadOnlyList<SavedConnection> entries, long savedAtWallClock)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Magic} {Version}\n");
        text.Append(CultureInfo.InvariantCulture, $"saved {savedAtWallClock}\n");
        foreach (var entry in entries.Where(e => e.IsTemplate).Concat(entries.Where(e => !e.IsTemplate)))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{(entry.IsTemplate ? 't' : 'c')} {entry.Id} {ProtocolName(entry.Protocol)} {Endpoint(entry.ClientAddress, entry.ClientPort)} " +
                $"{Endpoint(entry.VirtualAddress, entry.VirtualPort)} {Endpoint(entry.DestinationAddress, entry.DestinationPort)} " +
                $"{ServiceName(entry.Service)} {entry.ServerPort} {MethodName(entry.Method)} {entry.State} " +
                $"{FlagsText(entry.Flags)} {entry.RemainingMicroseconds} {entry.TemplateId}\n");
        }
        var body = text.ToString();
        return body + string.Create(CultureInfo.InvariantCulture, $"end {entries.Count} {Checksum(body):x16}\n");
    }

    /// <summary>Reads a whole state file, or refuses it with the line at fault (<see cref="LineFormatException"/>).</summary>
    /// <param name="maximumEntries">More entries than this (the table's bound) is refused as not a file we wrote.</param>
    public static IReadOnlyList<SavedConnection> Parse(string text, int maximumEntries, out long savedAtWallClock)
    {
        var lines = text.Split('\n');
        var header = lines[0].Split(' ');
        if (header.Length != 2 || header[0] != Magic)
        {
            throw new LineFormatException(1, $"not a state file (expected \"{Magic} {Version}\")");
        }
        if (header[1] != Version.ToString(CultureInfo.InvariantCulture))
        {
            throw new LineFormatException(1, $"version {EchoedText.Of(header[1])} is not one this director reads (it reads {Version})");
        }
        if (lines.Length < 4 || lines[^1].Length != 0)
        {
            throw new LineFormatException(lines.Length, "truncated: no end line");
        }
        var saved = lines[1].Split(' ');
        if (saved.Length != 2 || saved[0] != "saved" || !long.TryParse(saved[1], NumberStyles.None, CultureInfo.InvariantCulture, out savedAtWallClock))
        {
            throw new LineFormatException(2, "expected \"saved MICROSECONDS\"");
        }
        var endLine = lines.Length - 1;
        var end = lines[endLine - 1].Split(' ');
        if (end.Length != 3 || end[0] != "end")
        {
            throw new LineFormatException(endLine, "truncated: no end line");
        }
        var bodyLength = text.Length - lines[endLine - 1].Length - 1;
        if (!ulong.TryParse(end[2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var checksum) || end[2].Length != 16 ||
            checksum != Checksum(text.AsSpan(0, bodyLength)))
        {
            throw new LineFormatException(endLine, "checksum mismatch: the file was altered or cut");
        }
        var count = endLine - 3;
        if (!int.TryParse(end[1], NumberStyles.None, CultureInfo.InvariantCulture, out var declared) || declared != count)
        {
            throw new LineFormatException(endLine, $"the end line counts {EchoedText.Of(end[1])} entries, the file holds {count}");
        }
        if (count > maximumEntries)
        {
            throw new LineFormatException(endLine, $"{count} entries is more than the connection table holds ({maximumEntries})");
        }
        var entries = new List<SavedConnection>(count);
        var ids = new HashSet<int>();
        var templates = new HashSet<int>();
        for (var index = 2; index < endLine - 1; index++)
        {
            var entry = ParseEntry(lines[index], index + 1, templates);
            if (!ids.Add(entry.Id))
            {
                throw new LineFormatException(index + 1, $"id {entry.Id} appears twice");
            }
            if (entry.IsTemplate)
            {
                templates.Add(entry.Id);
            }
            entries.Add(entry);
        }
        return entries;
    }

    private static SavedConnection ParseEntry(string line, int number, HashSet<int> templates)
    {
        var field = line.Split(' ');
        if (field.Length != Fields)
        {
            throw new LineFormatException(number, $"expected {Fields} fields, found {field.Length}");
        }
        var isTemplate = field[0] switch
        {
            "t" => true,
            "c" => false,
            _ => throw new LineFormatException(number, $"unknown kind {EchoedText.Of(field[0])} (t or c)"),
        };
        var id = Number(field[1], number, "id", 1, int.MaxValue);
        var protocol = field[2] switch
        {
            "tcp" => IpProtocol.Tcp,
            "udp" => IpProtocol.Udp,
            "sctp" => IpProtocol.Sctp,
            "ip" when isTemplate => (IpProtocol)FrameLayout.ProtocolIp,
            _ => throw new LineFormatException(number, $"unknown protocol {EchoedText.Of(field[2])}"),
        };
        var (clientAddress, clientPort) = ParseEndpoint(field[3], number, "client");
        var (virtualAddress, virtualPort) = ParseEndpoint(field[4], number, "virtual address");
        var (destinationAddress, destinationPort) = ParseEndpoint(field[5], number, "destination");
        var service = ParseService(field[6], protocol, number);
        var serverPort = (ushort)Number(field[7], number, "real server port", 0, ushort.MaxValue);
        var method = field[8] switch
        {
            "masq" => ForwardingMethod.Masquerade,
            "route" => ForwardingMethod.DirectRoute,
            "tunnel" => ForwardingMethod.Tunnel,
            _ => throw new LineFormatException(number, $"unknown forwarding method {EchoedText.Of(field[8])}"),
        };
        if (!Enum.TryParse<TcpState>(field[9], ignoreCase: false, out var state) || !Enum.IsDefined(state) || field[9] != state.ToString())
        {
            throw new LineFormatException(number, $"unknown state {EchoedText.Of(field[9])}");
        }
        var flags = ParseFlags(field[10], number);
        var remaining = Number(field[11], number, "remaining time", 0, long.MaxValue / 4);
        var template = (int)Number(field[12], number, "template id", 0, int.MaxValue);
        if (isTemplate ? template != 0 : template != 0 && !templates.Contains(template))
        {
            throw new LineFormatException(number, $"template {template} is not a template listed before it");
        }
        return new SavedConnection((int)id, isTemplate, protocol, clientAddress, clientPort, virtualAddress, virtualPort, destinationAddress,
            destinationPort, service, serverPort, method, state,
            flags | (isTemplate ? ConnectionFlags.Template : ConnectionFlags.None), remaining, template);
    }

    private static long Number(string text, int line, string what, long minimum, long maximum) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum
            ? value
            : throw new LineFormatException(line, $"bad {what} {EchoedText.Of(text)}");

    private static (InetAddress Address, ushort Port) ParseEndpoint(string text, int line, string what) =>
        InetAddress.TryParseEndpoint(text, out var address, out var port)
            ? (address, port)
            : throw new LineFormatException(line, $"bad {what} {EchoedText.Of(text)} (expected ADDRESS:PORT)");

    private static ConnectionFlags ParseFlags(string text, int line)
    {
        if (text == "-")
        {
            return ConnectionFlags.None;
        }
        var flags = ConnectionFlags.None;
        foreach (var word in text.Split(','))
        {
            flags |= word switch
            {
                "no-output" => ConnectionFlags.NoOutput,
                "detached" => ConnectionFlags.Detached,
                _ => throw new LineFormatException(line, $"unknown flag {EchoedText.Of(word)}"),
            };
        }
        return flags;
    }

    private static string FlagsText(ConnectionFlags flags)
    {
        var words = new List<string>();
        if ((flags & ConnectionFlags.NoOutput) != 0)
        {
            words.Add("no-output");
        }
        if ((flags & ConnectionFlags.Detached) != 0)
        {
            words.Add("detached");
        }
        return words.Count == 0 ? "-" : string.Join(',', words);
    }

    private static string ProtocolName(IpProtocol protocol) => protocol switch
    {
        IpProtocol.Tcp => "tcp",
        IpProtocol.Udp => "udp",
        // A firewall-mark service's persistence template (IPPROTO_IP).
        (IpProtocol)FrameLayout.ProtocolIp => "ip",
        _ => "sctp",
    };

    /// <summary>A TCP/UDP service as ADDRESS:PORT; a firewall-mark service as <c>fwm:MARK</c>, its IPv6 one (-f N -6) <c>fwm6:MARK</c>.</summary>
    private static string ServiceName(ServiceKey key) =>
        key.IsFirewallMark
            ? string.Create(CultureInfo.InvariantCulture, $"{(key.Address.IsIpv6 ? Ipv6FirewallMarkPrefix : FirewallMarkPrefix)}{key.FirewallMark}")
            : Endpoint(key.Address, key.Port);

    private static ServiceKey ParseService(string text, IpProtocol protocol, int line)
    {
        if (text.StartsWith(Ipv6FirewallMarkPrefix, StringComparison.Ordinal))
        {
            return ServiceKey.ForFirewallMark((uint)Number(text[Ipv6FirewallMarkPrefix.Length..], line, "firewall mark", 1, uint.MaxValue), IpFamily.Ipv6);
        }
        if (text.StartsWith(FirewallMarkPrefix, StringComparison.Ordinal))
        {
            return ServiceKey.ForFirewallMark((uint)Number(text[FirewallMarkPrefix.Length..], line, "firewall mark", 1, uint.MaxValue));
        }
        var (address, port) = ParseEndpoint(text, line, "service");
        return new ServiceKey(protocol, address, port);
    }

    private static string MethodName(ForwardingMethod method) => method switch
    {
        ForwardingMethod.Masquerade => "masq",
        ForwardingMethod.DirectRoute => "route",
        _ => "tunnel",
    };

    private static string Endpoint(InetAddress address, ushort port) => address.ToEndpointString(port);

    /// <summary>FNV-1a, 64 bits, over the UTF-16 code units (the file is ASCII).</summary>
    private static ulong Checksum(ReadOnlySpan<char> text)
    {
        var hash = 0xCBF2_9CE4_8422_2325UL;
        foreach (var character in text)
        {
            hash = (hash ^ character) * 0x0000_0100_0000_01B3UL;
        }
        return hash;
    }
}
