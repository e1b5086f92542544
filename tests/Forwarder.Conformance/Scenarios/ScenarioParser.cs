using System.Globalization;
using System.Net;
using System.Text;

namespace Forwarder.Conformance.Scenarios;

/// <summary>
/// Reads a scenario file. One step a line; <c>#</c> lines at the top describe the scenario.
/// <code>
/// ipvsadm ARGS... [&lt; FILE]           run ipvsadm (FILE from Cases/inputs as stdin); output compared exactly
/// list [ARGS...]                       ipvsadm -Ln [ARGS]
/// conns                                ipvsadm -Lnc, compared as a set
/// tcp SRC:PORT DST:PORT FLAGS          a client's segment (FLAGS: S A F R P U, or -)
/// udp SRC:PORT DST:PORT                a client's datagram
/// reply tcp|udp SRC:PORT DST:PORT [FLAGS]   a real server's packet, on the private side
/// clients tcp|udp FIRST COUNT PORT DST:PORT [FLAGS]   COUNT packets from consecutive addresses
/// ports tcp|udp SRC FIRST-PORT COUNT DST:PORT [FLAGS] COUNT packets from consecutive ports
/// targets tcp|udp SRC:PORT FIRST COUNT PORT [FLAGS]   COUNT packets to consecutive addresses
/// iptables-restore FILE                the director's IPv4 mangle rules become FILE's (Cases/inputs)
/// ip6tables-restore FILE               the same for IPv6
/// sleep SECONDS                        time passes (the kernel's counters reach its listings on its 2 s estimator tick)
/// known-difference REASON...           the next step differs on purpose, for REASON
/// </code>
/// Addresses are IPv4 or IPv6 (<c>[ADDRESS]:PORT</c>); consecutive addresses count up in the last 32 bits.
/// Words split at blanks; single or double quotes keep blanks inside a word.
/// </summary>
public static class ScenarioParser
{
    public static Scenario Parse(string name, string text)
    {
        var description = new StringBuilder();
        var steps = new List<ScenarioStep>();
        var lineNumber = 0;
        string? knownDifference = null;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r').Trim();
            if (line.StartsWith('#'))
            {
                if (steps.Count == 0)
                {
                    description.Append(line.TrimStart('#').Trim()).Append(' ');
                }
                continue;
            }
            if (line.Length == 0)
            {
                continue;
            }
            if (line.StartsWith("known-difference ", StringComparison.Ordinal))
            {
                knownDifference = line["known-difference ".Length..].Trim();
                continue;
            }
            try
            {
                var parsed = ParseLine(lineNumber, Words(line)).ToList();
                if (knownDifference is not null)
                {
                    parsed[0] = parsed[0] with { KnownDifference = knownDifference };
                    knownDifference = null;
                }
                steps.AddRange(parsed);
            }
            catch (FormatException refused)
            {
                throw new FormatException($"{name}:{lineNumber}: {refused.Message}", refused);
            }
        }
        return new Scenario(name, description.ToString().Trim(), steps);
    }

    private static IEnumerable<ScenarioStep> ParseLine(int lineNumber, List<string> words)
    {
        switch (words[0])
        {
            case "ipvsadm":
                var input = words.Count >= 3 && words[^2] == "<" ? words[^1] : null;
                var arguments = input is null ? words.Skip(1).ToList() : words.Skip(1).SkipLast(2).ToList();
                return [new IpvsadmStep(lineNumber, arguments, input)];
            case "list":
                return [new IpvsadmStep(lineNumber, ["-Ln", .. words.Skip(1)], null)];
            case "conns":
                return [new ConnectionsStep(lineNumber)];
            case "sleep":
                return [new SleepStep(lineNumber, decimal.Parse(words[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture))];
            case "tcp" or "udp":
                return [Packet(lineNumber, PacketSide.Client, words[0], words[1], words[2], words.ElementAtOrDefault(3))];
            case "reply":
                return [Packet(lineNumber, PacketSide.RealServer, words[1], words[2], words[3], words.ElementAtOrDefault(4))];
            case "clients":
                return Clients(lineNumber, words);
            case "ports":
                return Ports(lineNumber, words);
            case "targets":
                return Targets(lineNumber, words);
            case "iptables-restore" or "ip6tables-restore" when words.Count == 2:
                return [new MarkRulesStep(lineNumber, words[0] == "ip6tables-restore", words[1])];
            default:
                throw new FormatException($"unknown step '{words[0]}'");
        }
    }

    private static IEnumerable<ScenarioStep> Clients(int lineNumber, List<string> words)
    {
        // clients tcp|udp FIRST COUNT PORT DST:PORT [FLAGS]
        var first = IPAddress.Parse(words[2]);
        var count = int.Parse(words[3], CultureInfo.InvariantCulture);
        var port = ushort.Parse(words[4], CultureInfo.InvariantCulture);
        for (var i = 0; i < count; i++)
        {
            var source = WithPort(Add(first, (uint)i), port);
            yield return Packet(lineNumber, PacketSide.Client, words[1], source, words[5], words.ElementAtOrDefault(6));
        }
    }

    private static IEnumerable<ScenarioStep> Targets(int lineNumber, List<string> words)
    {
        // targets tcp|udp SRC:PORT FIRST COUNT PORT [FLAGS]
        var first = IPAddress.Parse(words[3]);
        var count = int.Parse(words[4], CultureInfo.InvariantCulture);
        var port = ushort.Parse(words[5], CultureInfo.InvariantCulture);
        for (var i = 0; i < count; i++)
        {
            var destination = WithPort(Add(first, (uint)i), port);
            yield return Packet(lineNumber, PacketSide.Client, words[1], words[2], destination, words.ElementAtOrDefault(6));
        }
    }

    private static IEnumerable<ScenarioStep> Ports(int lineNumber, List<string> words)
    {
        // ports tcp|udp SRC FIRST-PORT COUNT DST:PORT [FLAGS]
        var firstPort = int.Parse(words[3], CultureInfo.InvariantCulture);
        var count = int.Parse(words[4], CultureInfo.InvariantCulture);
        for (var i = 0; i < count; i++)
        {
            yield return Packet(lineNumber, PacketSide.Client, words[1], WithPort(IPAddress.Parse(words[2]), firstPort + i), words[5], words.ElementAtOrDefault(6));
        }
    }

    private static PacketStep Packet(int lineNumber, PacketSide side, string protocol, string source, string destination, string? flags)
    {
        var tcp = protocol switch
        {
            "tcp" => true,
            "udp" => false,
            _ => throw new FormatException($"protocol must be tcp or udp, not '{protocol}'"),
        };
        var (sourceAddress, sourcePort) = Endpoint(source);
        var (destinationAddress, destinationPort) = Endpoint(destination);
        return new PacketStep(lineNumber, side, tcp, sourceAddress, sourcePort, destinationAddress, destinationPort,
            tcp ? flags ?? "S" : "-");
    }

    /// <summary>ADDRESS:PORT or [IPv6-ADDRESS]:PORT; the address comes back as the sender reads it (no brackets).</summary>
    private static (string, ushort) Endpoint(string text)
    {
        var colon = text.LastIndexOf(':');
        var host = colon < 0 ? "" : text[..colon];
        var bracketed = host.StartsWith('[') && host.EndsWith(']');
        if (bracketed)
        {
            host = host[1..^1];
        }
        if (colon < 0 || !IPAddress.TryParse(host, out var address) ||
            (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) != bracketed ||
            !ushort.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new FormatException($"'{text}' is not ADDRESS:PORT (or [IPv6-ADDRESS]:PORT)");
        }
        return (address.ToString(), port);
    }

    /// <summary>The address <paramref name="step"/> on from <paramref name="first"/>, counted in its last 32 bits.</summary>
    private static IPAddress Add(IPAddress first, uint step)
    {
        var bytes = first.GetAddressBytes();
        var at = bytes.Length - 4;
        var low = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at)) + step;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at), low);
        return new IPAddress(bytes);
    }

    private static string WithPort(IPAddress address, int port) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? string.Create(CultureInfo.InvariantCulture, $"[{address}]:{port}")
            : string.Create(CultureInfo.InvariantCulture, $"{address}:{port}");

    /// <summary>Blank-separated words; quotes keep blanks (and make an empty word possible).</summary>
    public static List<string> Words(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in line)
        {
            if (quote is { } open)
            {
                if (c == open)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (quote is not null)
        {
            throw new FormatException("unclosed quote");
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return words;
    }
}
