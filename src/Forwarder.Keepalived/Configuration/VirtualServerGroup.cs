using System.Net;

namespace Forwarder.Keepalived.Configuration;

/// <summary>
/// A <c>virtual_server_group NAME { }</c>: addresses (<c>IP PORT</c>, or a range of the last byte, <c>10.0.0.1-10 80</c>)
/// that share one virtual server's real servers and checkers. Firewall-mark entries are reported and left out.
/// </summary>
internal sealed class VirtualServerGroup
{
    private VirtualServerGroup(string name)
    {
        Name = name;
    }

    public string Name { get; }

    public List<(IPAddress Address, ushort Port)> Entries { get; } = [];

    public static VirtualServerGroup? Read(ConfigNode node, ConfigReport report)
    {
        if (!report.NeedsArgument(node))
        {
            return null;
        }
        var group = new VirtualServerGroup(node.Arguments[0]);
        foreach (var entry in node.Children ?? [])
        {
            if (entry.Keyword == "fwmark")
            {
                report.Add(entry, $"virtual server group {group.Name}: fwmark {string.Join(' ', entry.Arguments)}: firewall-mark services are not supported by this director yet - skipping entry");
                continue;
            }
            if (!group.TryAdd(entry))
            {
                report.Add(entry, $"Invalid virtual server group {group.Name} entry '{string.Join(' ', entry.Words)}' - skipping");
            }
        }
        if (group.Entries.Count == 0)
        {
            report.Add(node, $"virtual server group {group.Name} has no entries - removing");
            return null;
        }
        return group;
    }

    private bool TryAdd(ConfigNode entry)
    {
        var port = (ushort)0;
        if (entry.Arguments.Count > 1 || (entry.Arguments.Count == 1 && !ConfigValues.TryPort(entry.Arguments[0], out port)))
        {
            return false;
        }
        var text = entry.Keyword;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            if (!ConfigValues.TryAddress(text, out var single) || single.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            {
                return false;
            }
            Entries.Add((single, port));
            return true;
        }
        // A range names the last byte's end: 192.168.1.10-20 is .10 to .20.
        if (!ConfigValues.TryAddress(text[..dash], out var first) || first.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || !byte.TryParse(text[(dash + 1)..], out var last))
        {
            return false;
        }
        var bytes = first.GetAddressBytes();
        if (last < bytes[3])
        {
            return false;
        }
        for (int b = bytes[3]; b <= last; b++)
        {
            Entries.Add((new IPAddress([bytes[0], bytes[1], bytes[2], (byte)b]), port));
        }
        return true;
    }
}
