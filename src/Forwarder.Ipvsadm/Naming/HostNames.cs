using Forwarder.Core.Frames;

namespace Forwarder.Ipvsadm.Naming;

/// <summary>
/// Host names for ipvsadm's address arguments: dotted quads, and names from /etc/hosts. No DNS, so a
/// director on an isolated network never waits on a resolver.
/// </summary>
public sealed class HostNames
{
    private readonly Dictionary<string, Ipv4Address> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<Ipv4Address, string> _byAddress = new();

    public HostNames(IEnumerable<(string Name, Ipv4Address Address)> entries)
    {
        foreach (var (name, address) in entries)
        {
            _byName.TryAdd(name, address);
            _byAddress.TryAdd(address, name);
        }
    }

    public static HostNames None { get; } = new([]);

    public static HostNames System { get; } = Load("/etc/hosts");

    public static HostNames Load(string path) => File.Exists(path) ? Parse(File.ReadAllText(path)) : None;

    /// <summary>Reads hosts(5): <c>address name [aliases...]</c>; IPv6 lines are skipped.</summary>
    public static HostNames Parse(string text)
    {
        var entries = new List<(string, Ipv4Address)>();
        foreach (var rawLine in text.Split('\n'))
        {
            var hash = rawLine.IndexOf('#', StringComparison.Ordinal);
            var words = (hash < 0 ? rawLine : rawLine[..hash]).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 2 && Ipv4Address.TryParse(words[0], out var address))
            {
                entries.AddRange(words.Skip(1).Select(name => (name, address)));
            }
        }
        return new HostNames(entries);
    }

    /// <summary>As ipvsadm: inet_aton first (so "192.168.1" is 192.168.0.1), then the hosts file.</summary>
    public bool TryResolve(string text, out Ipv4Address address) =>
        InetAtonAddress.TryParse(text, out address) || _byName.TryGetValue(text, out address);

    /// <summary>The host's name for an address, or null when it has none.</summary>
    public string? NameOf(Ipv4Address address) => _byAddress.GetValueOrDefault(address);
}
