using System.Net;

namespace Forwarder.Keepalived.Configuration;

/// <summary>
/// A <c>virtual_server_group NAME { }</c>: addresses (<c>IP PORT</c>, or a range of the last byte, <c>10.0.0.1-10 80</c>)
/// and firewall marks (<c>fwmark N [inet|inet6]</c>) that share one virtual server's real servers and checkers.
/// </summary>
internal sealed class VirtualServerGroup
{
    private VirtualServerGroup(string name)
    {
        Name = name;
    }

    public string Name { get; }

    public List<(IPAddress Address, ushort Port)> Entries { get; } = [];

    /// <summary>The <c>fwmark</c> entries' marks, in file order.</summary>
    public List<uint> FirewallMarks { get; } = [];

    public static VirtualServerGroup? Read(ConfigNode node, ConfigReport report)
    {
        if (!report.NeedsArgument(node))
        {
            return null;
        }
        var group = new VirtualServerGroup(node.Arguments[0]);
        var markWithoutFamily = false;
        foreach (var entry in node.Children ?? [])
        {
            if (entry.Keyword == "fwmark")
            {
                markWithoutFamily |= group.TryAddMark(entry, report) && entry.Arguments.Count < 2;
                continue;
            }
            if (!group.TryAdd(entry))
            {
                report.Add(entry, $"Invalid virtual server group {group.Name} entry '{string.Join(' ', entry.Words)}' - skipping");
            }
        }
        if (group.Entries.Count == 0 && group.FirewallMarks.Count == 0)
        {
            report.Add(node, $"virtual server group {group.Name} has no entries - removing");
            return null;
        }
        // As vsg_handler: a mark without a family could be either when the group holds both (inet6 entries, here
        // skipped as this director's, still count, as keepalived counts them).
        if (markWithoutFamily && group._hasIpv4 && group._hasIpv6)
        {
            report.Add(node, $"virtual server group {group.Name} cannot have IPv4, IPv6 and fwmark without family - removing");
            return null;
        }
        return group;
    }

    private bool _hasIpv4;
    private bool _hasIpv6;

    /// <summary>As alloc_vsg_entry for <c>fwmark N [FAMILY]</c>: true when the mark is taken.</summary>
    private bool TryAddMark(ConfigNode entry, ConfigReport report)
    {
        var text = entry.Arguments.Count > 0 ? entry.Arguments[0] : string.Empty;
        if (VirtualServerReader.FirewallMark(entry, text, report) is not { } mark)
        {
            report.Add(entry, $"({Name}): fwmark '{text}' must be in [0, {uint.MaxValue}] - ignoring");
            return false;
        }
        if (entry.Arguments.Count > 1)
        {
            switch (entry.Arguments[1])
            {
                case "inet":
                    _hasIpv4 = true;
                    break;
                case "inet6":
                    _hasIpv6 = true;
                    report.Add(entry, $"virtual server group {Name}: fwmark {mark} inet6: IPv6 is not supported by this director yet - skipping entry");
                    return false;
                default:
                    report.Add(entry, $"({Name}): fwmark '{mark}' family {entry.Arguments[1]} unknown - ignoring");
                    return false;
            }
        }
        if (mark == 0)
        {
            report.Add(entry, $"virtual server group {Name}: fwmark 0: a firewall mark is 1 or more (ipvsadm -f) - skipping entry");
            return false;
        }
        FirewallMarks.Add(mark);
        return true;
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
            _hasIpv4 = true;
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
        _hasIpv4 = true;
        for (int b = bytes[3]; b <= last; b++)
        {
            Entries.Add((new IPAddress([bytes[0], bytes[1], bytes[2], (byte)b]), port));
        }
        return true;
    }
}
