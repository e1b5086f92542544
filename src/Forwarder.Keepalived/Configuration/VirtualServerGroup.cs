using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Forwarder.Keepalived.Configuration;

/// <summary>
/// A <c>virtual_server_group NAME { }</c>: addresses (<c>IP PORT</c>, or a range of the last byte, <c>10.0.0.1-10 80</c>,
/// or of an IPv6 address's last 16-bit group in hex, <c>2001:db8::1-1f 80</c>) and firewall marks (<c>fwmark N [inet|inet6]</c>) that share one virtual server's real servers and checkers.
/// </summary>
internal sealed class VirtualServerGroup
{
    private VirtualServerGroup(string name)
    {
        Name = name;
    }

    public string Name { get; }

    public List<(IPAddress Address, ushort Port)> Entries { get; } = [];

    /// <summary>The <c>fwmark</c> entries' marks, in file order, with their family (null: none given, the virtual server's).</summary>
    public List<(uint Mark, AddressFamily? Family)> FirewallMarks { get; } = [];

    /// <summary>The family a mark without one takes: the virtual server's, else the group's only one, else IPv4.</summary>
    public AddressFamily FamilyForMarks(AddressFamily? virtualServerFamily) =>
        virtualServerFamily ?? (_hasIpv6 && !_hasIpv4 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork);

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
        // As vsg_handler: a mark without a family could be either when the group holds both.
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
        AddressFamily? family = null;
        if (entry.Arguments.Count > 1)
        {
            switch (entry.Arguments[1])
            {
                case "inet":
                    _hasIpv4 = true;
                    family = AddressFamily.InterNetwork;
                    break;
                case "inet6":
                    _hasIpv6 = true;
                    family = AddressFamily.InterNetworkV6;
                    break;
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
        FirewallMarks.Add((mark, family));
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
            if (!ConfigValues.TryAddress(text, out var single))
            {
                return false;
            }
            Entries.Add((single, port));
            Note(single.AddressFamily);
            return true;
        }
        if (!ConfigValues.TryAddress(text[..dash], out var first))
        {
            return false;
        }
        return first.AddressFamily == AddressFamily.InterNetworkV6 ? TryAddIpv6Range(first, text[(dash + 1)..], port) : TryAddIpv4Range(first, text[(dash + 1)..], port);
    }

    private void Note(AddressFamily family)
    {
        _hasIpv4 |= family == AddressFamily.InterNetwork;
        _hasIpv6 |= family == AddressFamily.InterNetworkV6;
    }

    /// <summary>A range names the last byte's end, in decimal: 192.168.1.10-20 is .10 to .20.</summary>
    private bool TryAddIpv4Range(IPAddress first, string end, ushort port)
    {
        if (!byte.TryParse(end, NumberStyles.None, CultureInfo.InvariantCulture, out var last))
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

    /// <summary>
    /// As inet_stor reads an IPv6 range: the end is the last 16-bit group's, in hex (2001:db8::1-1f is ::1 to ::1f).
    /// Ranges are expanded entry by entry, so one over 256 addresses is refused here rather than flood the table.
    /// </summary>
    private bool TryAddIpv6Range(IPAddress first, string end, ushort port)
    {
        if (!ushort.TryParse(end, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var last))
        {
            return false;
        }
        var bytes = first.GetAddressBytes();
        var start = (bytes[14] << 8) | bytes[15];
        if (last <= start || last - start > 255)
        {
            return false;
        }
        _hasIpv6 = true;
        for (var group = start; group <= last; group++)
        {
            bytes[14] = (byte)(group >> 8);
            bytes[15] = (byte)group;
            Entries.Add((new IPAddress(bytes), port));
        }
        return true;
    }
}
