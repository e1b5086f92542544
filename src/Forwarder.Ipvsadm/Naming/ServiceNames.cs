using System.Globalization;
using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Naming;

/// <summary>
/// Port numbers by service name and back, as getservbyname/getservbyport give them to ipvsadm:
/// from /etc/services when the system has one, else from the well-known names below.
/// </summary>
public sealed class ServiceNames
{
    private static readonly (string Name, ushort Port)[] WellKnown =
    [
        ("ftp-data", 20), ("ftp", 21), ("ssh", 22), ("telnet", 23), ("smtp", 25), ("domain", 53),
        ("http", 80), ("pop3", 110), ("sunrpc", 111), ("ntp", 123), ("imap", 143), ("snmp", 161),
        ("ldap", 389), ("https", 443), ("submission", 587), ("ldaps", 636), ("imaps", 993), ("pop3s", 995),
        ("mysql", 3306), ("postgresql", 5432), ("http-alt", 8080),
    ];

    private readonly Dictionary<(string, IpProtocol), ushort> _byName = new();
    private readonly Dictionary<(ushort, IpProtocol), string> _byPort = new();

    private ServiceNames(IEnumerable<(string Name, ushort Port, IpProtocol Protocol)> entries)
    {
        foreach (var (name, port, protocol) in entries)
        {
            _byName.TryAdd((name, protocol), port);
            _byPort.TryAdd((port, protocol), name);
        }
    }

    /// <summary>The system's table (/etc/services) or, without one, the built-in well-known names.</summary>
    public static ServiceNames System { get; } = Load("/etc/services");

    public static ServiceNames BuiltIn { get; } = new(WellKnown.SelectMany(w => new[] { (w.Name, w.Port, IpProtocol.Tcp), (w.Name, w.Port, IpProtocol.Udp) }));

    public static ServiceNames Load(string path)
    {
        if (!File.Exists(path))
        {
            return BuiltIn;
        }
        return Parse(File.ReadAllText(path));
    }

    /// <summary>Reads the services(5) format: <c>name port/protocol [aliases...] [# comment]</c>.</summary>
    public static ServiceNames Parse(string text)
    {
        var entries = new List<(string, ushort, IpProtocol)>();
        foreach (var rawLine in text.Split('\n'))
        {
            var hash = rawLine.IndexOf('#', StringComparison.Ordinal);
            var words = (hash < 0 ? rawLine : rawLine[..hash]).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 2)
            {
                continue;
            }
            var slash = words[1].IndexOf('/', StringComparison.Ordinal);
            if (slash < 0 || !ushort.TryParse(words[1].AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                continue;
            }
            IpProtocol? protocol = words[1][(slash + 1)..] switch
            {
                "tcp" => IpProtocol.Tcp,
                "udp" => IpProtocol.Udp,
                "sctp" => IpProtocol.Sctp,
                _ => null,
            };
            if (protocol is not { } known)
            {
                continue;
            }
            foreach (var name in words.Where((_, i) => i != 1))
            {
                entries.Add((name, port, known));
            }
        }
        return new ServiceNames(entries);
    }

    public bool TryGetPort(string name, IpProtocol protocol, out ushort port) => _byName.TryGetValue((name, protocol), out port);

    /// <summary>The service's name for a port, or null when it has none.</summary>
    public string? NameOf(ushort port, IpProtocol protocol) => _byPort.GetValueOrDefault((port, protocol));
}
