using System.Globalization;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;

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
    public const string SystemServicesPath = "/etc/services";

    // Used where there is no services file: IANA assigns these names for TCP and UDP alike.
    private static readonly (string Name, ushort Port)[] WellKnownPorts =
    [
        ("ftp", 21),
        ("ssh", 22),
        ("telnet", 23),
        ("smtp", 25),
        ("domain", 53),
        ("http", 80),
        ("pop3", 110),
        ("imap", 143),
        ("https", 443),
    ];

    private readonly Dictionary<(ushort Port, IpProtocol Protocol), string> _portNames;
    private readonly Func<Ipv4Address, string?> _hostNames;

    /// <param name="servicesText">The content of a services file, or null when there is none (the built-in table is used).</param>
    /// <param name="hostNames">Reverse lookup of an address; null for none.</param>
    public ServicesFileNameResolver(string? servicesText, Func<Ipv4Address, string?>? hostNames = null)
    {
        _portNames = servicesText is null ? BuiltInPortNames() : ParseServices(servicesText);
        _hostNames = hostNames ?? (_ => null);
    }

    /// <summary>Reads the system's services file when there is one.</summary>
    public static ServicesFileNameResolver FromSystem(Func<Ipv4Address, string?>? hostNames = null, string path = SystemServicesPath) =>
        new(File.Exists(path) ? File.ReadAllText(path) : null, hostNames);

    public string? HostName(Ipv4Address address) => _hostNames(address);

    public string? PortName(ushort port, IpProtocol protocol) =>
        _portNames.TryGetValue((port, protocol), out var name) ? name : null;

    private static Dictionary<(ushort Port, IpProtocol Protocol), string> BuiltInPortNames()
    {
        var names = new Dictionary<(ushort Port, IpProtocol Protocol), string>();
        foreach (var (name, port) in WellKnownPorts)
        {
            names[(port, IpProtocol.Tcp)] = name;
            names[(port, IpProtocol.Udp)] = name;
        }
        return names;
    }

    /// <summary>Lines of <c>name port/protocol [aliases...] [# comment]</c>; as the C library's file lookup, the first line for a port wins.</summary>
    private static Dictionary<(ushort Port, IpProtocol Protocol), string> ParseServices(string text)
    {
        var names = new Dictionary<(ushort Port, IpProtocol Protocol), string>();
        foreach (var rawLine in text.Split('\n'))
        {
            var hash = rawLine.IndexOf('#', StringComparison.Ordinal);
            var line = hash >= 0 ? rawLine[..hash] : rawLine;
            var fields = line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2)
            {
                continue;
            }
            var slash = fields[1].IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 ||
                !ushort.TryParse(fields[1].AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                continue;
            }
            IpProtocol? protocol = fields[1][(slash + 1)..] switch
            {
                "tcp" => IpProtocol.Tcp,
                "udp" => IpProtocol.Udp,
                _ => null,
            };
            if (protocol is { } known)
            {
                names.TryAdd((port, known), fields[0]);
            }
        }
        return names;
    }
}
