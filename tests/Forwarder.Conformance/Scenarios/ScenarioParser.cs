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
/// sleep SECONDS                        time passes (the kernel's counters reach its listings on its 2 s estimator tick)
/// known-difference REASON...           the next step differs on purpose, for REASON
/// </code>
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
            default:
                throw new FormatException($"unknown step '{words[0]}'");
        }
    }

    private static IEnumerable<ScenarioStep> Clients(int lineNumber, List<string> words)
    {
        // clients tcp|udp FIRST COUNT PORT DST:PORT [FLAGS]
        var first = ToNumber(IPAddress.Parse(words[2]));
        var count = int.Parse(words[3], CultureInfo.InvariantCulture);
        var port = ushort.Parse(words[4], CultureInfo.InvariantCulture);
        for (var i = 0; i < count; i++)
        {
            var source = ToText(first + (uint)i);
            yield return Packet(lineNumber, PacketSide.Client, words[1], $"{source}:{port}", words[5], words.ElementAtOrDefault(6));
        }
    }

    private static IEnumerable<ScenarioStep> Ports(int lineNumber, List<string> words)
    {
        // ports tcp|udp SRC FIRST-PORT COUNT DST:PORT [FLAGS]
        var firstPort = int.Parse(words[3], CultureInfo.InvariantCulture);
        var count = int.Parse(words[4], CultureInfo.InvariantCulture);
        for (var i = 0; i < count; i++)
        {
            yield return Packet(lineNumber, PacketSide.Client, words[1], $"{words[2]}:{firstPort + i}", words[5], words.ElementAtOrDefault(6));
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

    private static (string, ushort) Endpoint(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon < 0 || !IPAddress.TryParse(text[..colon], out _) ||
            !ushort.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new FormatException($"'{text}' is not ADDRESS:PORT");
        }
        return (text[..colon], port);
    }

    private static uint ToNumber(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
    }

    private static string ToText(uint value) => $"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}";

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
