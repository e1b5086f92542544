namespace Forwarder.Keepalived.Configuration;

/// <summary>
/// Reads keepalived 2.2's configuration for what its checker process (keepalived's healthcheckers) does: the
/// <c>virtual_server</c> and <c>virtual_server_group</c> blocks. As keepalived, a keyword it does not know, a bad
/// value or something this director does not do is reported with its file and line and the rest is loaded; only a
/// configuration whose structure cannot be read (braces, quotes, unreadable includes) is refused whole, with a
/// <see cref="ConfigSyntaxException"/>.
/// </summary>
public static class KeepalivedConfigReader
{
    /// <summary>Blocks of keepalived's other processes (VRRP, BFD) and its global settings: known, and not this director's job.</summary>
    private static readonly HashSet<string> OtherProcessesBlocks =
    [
        "global_defs", "vrrp_instance", "vrrp_sync_group", "vrrp_script", "vrrp_track_process", "vrrp_track_file",
        "static_ipaddress", "static_routes", "static_rules", "linkbeat_interfaces", "garp_group", "bfd_instance",
        "net_namespace", "net_namespace_ipvs", "instance", "use_pid_dir", "track_file", "SSL", "vrrp_garp_interval",
        "child_wait_time",
    ];

    /// <summary>Reads <paramref name="path"/> and its includes.</summary>
    public static KeepalivedConfiguration Load(string path)
    {
        if (Directory.Exists(path))
        {
            throw new ConfigSyntaxException(new ConfigPosition(path, 0), $"{path} is a directory, not a configuration file");
        }
        if (!File.Exists(path))
        {
            throw new ConfigSyntaxException(new ConfigPosition(path, 0), $"Unable to find configuration file {path}");
        }
        var report = new ConfigReport();
        var lines = ConfigLineReader.Read(path, report.Diagnostics);
        return Interpret(ConfigTree.Build(lines), report);
    }

    /// <summary>Reads a configuration given as text; includes are taken from the directory of <paramref name="name"/>.</summary>
    public static KeepalivedConfiguration Parse(string name, string text)
    {
        var report = new ConfigReport();
        var lines = ConfigLineReader.ReadText(name, text, report.Diagnostics);
        return Interpret(ConfigTree.Build(lines), report);
    }

    private static KeepalivedConfiguration Interpret(IReadOnlyList<ConfigNode> top, ConfigReport report)
    {
        // keepalived links groups to virtual servers once everything is read, so a group may come after its user;
        // what a group's reading reports is said where the group stands in the file, as keepalived reads it.
        var groups = new Dictionary<string, VirtualServerGroup>(StringComparer.Ordinal);
        var groupReports = new Dictionary<ConfigNode, ConfigReport>();
        foreach (var node in top.Where(n => n.Keyword == "virtual_server_group"))
        {
            var groupReport = groupReports[node] = new ConfigReport();
            if (VirtualServerGroup.Read(node, groupReport) is { } group)
            {
                groups[group.Name] = group;
            }
        }
        var virtualServers = new List<VirtualServerConfig>();
        foreach (var node in top)
        {
            switch (node.Keyword)
            {
                case "virtual_server_group":
                    report.Diagnostics.AddRange(groupReports[node].Diagnostics);
                    break;
                case "virtual_server":
                    if (VirtualServerReader.Read(node, groups, report) is { } virtualServer)
                    {
                        virtualServers.Add(virtualServer);
                    }
                    break;
                case var other when OtherProcessesBlocks.Contains(other):
                    // global_defs is everywhere and harmless: only the blocks that would do something are said.
                    if (other != "global_defs")
                    {
                        report.NotSupported(node, "not part of this director (it runs keepalived's checkers, not VRRP or BFD)");
                    }
                    break;
                default:
                    report.Unknown(node);
                    break;
            }
        }
        // As keepalived: the checks and corrections of validate_check_config come once everything is read.
        virtualServers = virtualServers.Select(vs => VirtualServerCompletion.Complete(vs, groups, report)).OfType<VirtualServerConfig>().ToList();
        ReportDuplicateServices(virtualServers, report);
        return new KeepalivedConfiguration(virtualServers, report.Diagnostics);
    }

    /// <summary>Two virtual servers for one service would fight over its real servers: the second is dropped.</summary>
    private static void ReportDuplicateServices(List<VirtualServerConfig> virtualServers, ConfigReport report)
    {
        var seen = new HashSet<ServiceAddress>();
        foreach (var virtualServer in virtualServers.ToList())
        {
            if (virtualServer.Services.Any(seen.Contains))
            {
                report.Add(virtualServer.Position, $"Virtual server {virtualServer.Name} is a duplicate of an earlier one - ignoring");
                virtualServers.Remove(virtualServer);
                continue;
            }
            seen.UnionWith(virtualServer.Services);
        }
    }
}
