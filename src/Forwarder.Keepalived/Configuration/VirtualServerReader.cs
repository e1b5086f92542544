using System.Net;
using System.Net.Sockets;

namespace Forwarder.Keepalived.Configuration;

/// <summary>
/// One <c>virtual_server</c> block, read as keepalived's check_parser reads it, then completed as its
/// validate_check_config completes it (defaults, ports, quorum), with keepalived's reports for each correction.
/// </summary>
internal static class VirtualServerReader
{
    private static readonly string[] Schedulers = ["rr", "wrr", "lc", "wlc", "lblc", "sh", "mh", "dh", "fo", "ovf", "lblcr", "sed", "nq"];

    /// <summary>Keywords keepalived takes in a virtual server that change nothing a user-space director does.</summary>
    private static readonly HashSet<string> Unsupported = ["ha_suspend", "smtp_alert", "snmp_name", "persistence_engine", "hashed"];

    /// <summary>The block as read; <see cref="VirtualServerCompletion"/> completes it once the whole file is read, as keepalived validates.</summary>
    public static VirtualServerConfig? Read(ConfigNode node, IReadOnlyDictionary<string, VirtualServerGroup> groups, ConfigReport report)
    {
        var virtualServer = Head(node, groups, report);
        if (virtualServer is null)
        {
            return null;
        }
        foreach (var child in node.Children ?? [])
        {
            Keyword(virtualServer, child, report);
        }
        if (virtualServer.RealServers.Count == 0)
        {
            // As vs_end_handler, while the file is read: the protocol is still unset ("none") if the block set none.
            var name = virtualServer.GroupName is null && !virtualServer.IsFirewallMark
                ? $"[{virtualServer.Services[0].Address}]:{(virtualServer.ProtocolSet ? virtualServer.Services[0].ProtocolName : "none")}:{virtualServer.Services[0].Port}"
                : virtualServer.Name;
            report.Add(node.End, $"Virtual server {name} has no real servers - ignoring");
            return null;
        }
        SettleFamily(virtualServer, node, report);
        return virtualServer;
    }

    /// <summary>
    /// As vs_end_handler: a sorry server that is not tunnelled must be of the virtual server's family (or gives it one);
    /// a firewall-mark virtual server still without a family takes its servers' when they agree, IPv4 otherwise.
    /// </summary>
    private static void SettleFamily(VirtualServerConfig vs, ConfigNode node, ConfigReport report)
    {
        if (vs.SorryServer is { } sorry && (vs.SorryMethod ?? vs.MethodSet) != LvsMethod.Tunnel)
        {
            if (vs.Family is null)
            {
                vs.Family = sorry.Address.AddressFamily;
            }
            else if (vs.Family != sorry.Address.AddressFamily)
            {
                report.Add(node.End, $"Address family of virtual server and sorry server {sorry.Address} don't match - skipping sorry server.");
                vs.SorryServer = null;
            }
        }
        if (vs.Family is null && vs.GroupName is null)
        {
            var families = vs.RealServers.Select(rs => rs.Address)
                .Concat(vs.SorryServer is { } tunnelled ? [tunnelled.Address] : [])
                .Select(address => address.AddressFamily).Distinct().ToList();
            vs.Family = families.Count == 1 ? families[0] : AddressFamily.InterNetwork;
        }
        if (vs.IsFirewallMark)
        {
            vs.Services[0] = ServiceAddress.ForFirewallMark(vs.Services[0].FirewallMark, vs.Family ?? AddressFamily.InterNetwork);
        }
    }

    /// <summary>
    /// As rs_end_handler: a real server that is not tunnelled must be of the virtual server's family, or gives it one;
    /// a tunnelled one may be of either (the director encapsulates IPv4 in IPv6 and back, as IPVS does).
    /// </summary>
    private static void AddRealServer(VirtualServerConfig vs, RealServerConfig rs, ConfigNode node, ConfigReport report)
    {
        if ((rs.MethodSet ?? vs.MethodSet) != LvsMethod.Tunnel)
        {
            if (vs.Family is null)
            {
                vs.Family = rs.Address.AddressFamily;
            }
            else if (vs.Family != rs.Address.AddressFamily)
            {
                report.Add(node.End, $"Address family of virtual server and real server {rs.Address} don't match - skipping real server.");
                return;
            }
        }
        vs.RealServers.Add(rs);
    }

    /// <summary>The block's head: <c>IP PORT</c>, <c>fwmark N</c> or <c>group NAME</c>.</summary>
    private static VirtualServerConfig? Head(ConfigNode node, IReadOnlyDictionary<string, VirtualServerGroup> groups, ConfigReport report)
    {
        if (!report.NeedsArgument(node))
        {
            return null;
        }
        var first = node.Arguments[0];
        var second = node.Arguments.Count > 1 ? node.Arguments[1] : null;
        if (first == "fwmark")
        {
            // As alloc_vs: the mark as read_unsigned reads it (0 to UINT32_MAX); a bad one skips the block.
            if (FirewallMark(node, second ?? string.Empty, report) is not { } mark)
            {
                report.Add(node, $"virtual server fwmark '{second}' must be in [0, {uint.MaxValue}] - ignoring");
                return null;
            }
            if (mark == 0)
            {
                // keepalived takes 0 and then treats the block as an address one with no address; ipvsadm has no -f 0.
                report.Add(node, "virtual server fwmark 0: a firewall mark is 1 or more (ipvsadm -f) - skipping");
                return null;
            }
            var marked = new VirtualServerConfig($"FWM {mark}", node.Position);
            marked.Services.Add(ServiceAddress.ForFirewallMark(mark));
            return marked;
        }
        if (first == "group")
        {
            if (second is null || !groups.ContainsKey(second))
            {
                report.Add(node, $"Virtual server group {second} specified but not configured - ignoring virtual server [{second}]:0");
                return null;
            }
            return new VirtualServerConfig($"[{second}]:0", node.Position) { GroupName = second };
        }
        var port = (ushort)0;
        if (!ConfigValues.TryAddress(first, out var address) || (second is not null && !ConfigValues.TryPort(second, out port)))
        {
            report.Add(node, second is null
                ? $"Invalid virtual server IP address {first} - skipping"
                : $"Invalid virtual server IP address/port {first}/{second} - skipping");
            return null;
        }
        var virtualServer = new VirtualServerConfig(string.Empty, node.Position) { Family = address.AddressFamily };
        virtualServer.Services.Add(new ServiceAddress(address, port, LvsProtocol.Tcp));
        return virtualServer;
    }

    private static void Keyword(VirtualServerConfig vs, ConfigNode node, ConfigReport report)
    {
        var a = node.Arguments;
        switch (node.Keyword)
        {
            case "real_server":
                if (RealServerReader.Read(node, report) is { } realServer)
                {
                    AddRealServer(vs, realServer, node, report);
                }
                break;
            case "delay_loop":
                if (Timer(node, report, "virtual server delay loop '{0}' invalid - ignoring") is { } delay && delay > TimeSpan.Zero)
                {
                    vs.DelayLoop = delay;
                }
                break;
            case "connect_timeout":
                if (Timer(node, report, "virtual server connect_timeout {0} invalid - ignoring") is { } timeout)
                {
                    vs.ConnectTimeout = timeout;
                }
                break;
            case "delay_before_retry":
                vs.DelayBeforeRetry = Timer(node, report, "virtual server delay before retry '{0}' invalid - ignoring") ?? vs.DelayBeforeRetry;
                break;
            case "warmup":
                vs.Warmup = Timer(node, report, "virtual server warmup '{0}' invalid - ignoring") ?? vs.Warmup;
                break;
            case "retry":
                vs.Retry = (int?)Number(node, report, 0, int.MaxValue, "retry value invalid - {0}") ?? vs.Retry;
                break;
            case "lb_algo" or "lvs_sched":
                if (report.NeedsArgument(node))
                {
                    if (Schedulers.Contains(a[0]))
                    {
                        vs.Scheduler = a[0];
                        vs.SchedulerSet = true;
                    }
                    else
                    {
                        report.Add(node, $"Invalid lvs_scheduler '{a[0]}' - ignoring");
                    }
                }
                break;
            case "ops":
                vs.OnePacket = true;
                break;
            case "sh-port" or "sh-fallback" or "mh-port" or "mh-fallback" or "flag-1" or "flag-2" or "flag-3":
                SchedulerFlag(vs, node, report);
                break;
            case "lb_kind" or "lvs_method":
                if (report.NeedsArgument(node) && Method(node, report, "virtual") is { } method)
                {
                    vs.MethodSet = method;
                }
                break;
            case "persistence_timeout":
                if (a.Count == 0)
                {
                    vs.PersistenceTimeout = 360;
                }
                else if (ConfigValues.TryNumber(a[0], 1, int.MaxValue, out var persistence))
                {
                    vs.PersistenceTimeout = (int)persistence;
                }
                else
                {
                    report.Add(node, "persistence_timeout invalid");
                }
                break;
            case "persistence_granularity":
                if (report.NeedsArgument(node))
                {
                    // As keepalived (getaddrinfo, numeric): any IPv4 netmask in inet_aton's forms, solid or not, as ipvsadm and
                    // the kernel take it; and it implies persistence.
                    if (Forwarder.Ipvsadm.Naming.InetAtonAddress.TryParse(a[0], out var mask))
                    {
                        vs.PersistenceGranularity = mask.ToString();
                        vs.PersistenceTimeout ??= 360;
                    }
                    else
                    {
                        report.Add(node, $"Invalid IPv4 persistence_granularity specified - {a[0]}");
                    }
                }
                break;
            case "protocol":
                if (report.NeedsArgument(node))
                {
                    LvsProtocol? protocol = a[0] switch { "TCP" => LvsProtocol.Tcp, "UDP" => LvsProtocol.Udp, "SCTP" => LvsProtocol.Sctp, _ => null };
                    if (protocol is { } known)
                    {
                        vs.Protocol = known;
                        vs.ProtocolSet = true;
                        if (vs.GroupName is null)
                        {
                            vs.Services[0] = vs.Services[0] with { Protocol = known };
                        }
                    }
                    else
                    {
                        report.Add(node, $"Unknown protocol {a[0]} - ignoring");
                    }
                }
                break;
            case "quorum":
                if (report.NeedsArgument(node))
                {
                    if (ConfigValues.TryNumber(a[0], 1, uint.MaxValue, out var quorum))
                    {
                        vs.Quorum = quorum;
                    }
                    else
                    {
                        report.Add(node, $"Quorum {a[0]} must be in [1, {uint.MaxValue}]. Setting to 1.");
                        vs.Quorum = 1;
                    }
                }
                break;
            case "hysteresis":
                if (report.NeedsArgument(node))
                {
                    if (ConfigValues.TryNumber(a[0], 0, uint.MaxValue, out var hysteresis))
                    {
                        vs.Hysteresis = hysteresis;
                    }
                    else
                    {
                        report.Add(node, $"Hysteresis {a[0]} must be in [0, {uint.MaxValue}] - ignoring");
                    }
                }
                break;
            case "quorum_up":
                vs.QuorumUp = Script(vs.QuorumUp, node, report, "quorum_up", vs.Name);
                break;
            case "quorum_down":
                vs.QuorumDown = Script(vs.QuorumDown, node, report, "quorum_down", vs.Name);
                break;
            case "sorry_server":
                SorryServer(vs, node, report);
                break;
            case "sorry_server_inhibit":
                if (vs.SorryServer is null)
                {
                    report.Add(node, "Ignoring sorry_server inhibit used before or without sorry_server");
                }
                else
                {
                    vs.SorryInhibit = ConfigValues.Flag(a) ?? true;
                }
                break;
            case "sorry_server_lvs_method":
                if (vs.SorryServer is null)
                {
                    report.Add(node, "sorry_server forwarding used without sorry_server");
                }
                else if (report.NeedsArgument(node) && Method(node, report, "sorry") is { } sorryMethod)
                {
                    vs.SorryMethod = sorryMethod;
                }
                break;
            case "alpha":
                vs.Alpha = Flag(node, report, "alpha") ?? vs.Alpha;
                break;
            case "omega":
                vs.Omega = Flag(node, report, "omega") ?? vs.Omega;
                break;
            case "inhibit_on_failure":
                vs.Inhibit = Flag(node, report, "inhibit_on_failure") ?? vs.Inhibit;
                break;
            case "weight":
                if (report.NeedsArgument(node))
                {
                    if (ConfigValues.TryNumber(a[0], 1, int.MaxValue, out var weight))
                    {
                        vs.Weight = (int)weight;
                    }
                    else
                    {
                        report.Add(node, $"Virtual server weight {a[0]} is outside range 1-{int.MaxValue}");
                    }
                }
                break;
            case "virtualhost":
                if (a.Count == 0)
                {
                    report.Add(node, "virtual server virtualhost missing");
                }
                else
                {
                    vs.VirtualHost = a[0];
                }
                break;
            case "ip_family":
                if (report.NeedsArgument(node))
                {
                    // As ip_family_handler: inet or inet6, and never against the family the address or a server gave.
                    AddressFamily? family = a[0] switch { "inet" => AddressFamily.InterNetwork, "inet6" => AddressFamily.InterNetworkV6, _ => null };
                    if (family is null)
                    {
                        report.Add(node, $"unknown address family {a[0]}");
                    }
                    else if (vs.Family is { } known && known != family)
                    {
                        report.Add(node, $"Virtual server specified family {a[0]} conflicts with server family");
                    }
                    else
                    {
                        vs.Family = family;
                    }
                }
                break;
            case var unsupported when Unsupported.Contains(unsupported):
                report.NotSupported(node);
                break;
            default:
                report.Unknown(node);
                break;
        }
    }

    private static void SchedulerFlag(VirtualServerConfig vs, ConfigNode node, ConfigReport report)
    {
        var flag = node.Keyword;
        // As keepalived's lbflags_handler: the numbered flags whatever the scheduler; under sh only sh-port and
        // sh-fallback are taken and under mh only mh-*, anything else passed over in silence; with any other
        // scheduler a named flag is reported.
        if (flag.StartsWith("flag-", StringComparison.Ordinal))
        {
            vs.SchedulerFlags.Add(flag);
        }
        else if (vs.Scheduler is "sh" or "mh")
        {
            if (flag.StartsWith(vs.Scheduler + "-", StringComparison.Ordinal))
            {
                vs.SchedulerFlags.Add(flag);
            }
        }
        else
        {
            report.Add(node, $"{flag} only applies to sh scheduler - ignoring");
        }
    }

    private static void SorryServer(VirtualServerConfig vs, ConfigNode node, ConfigReport report)
    {
        var port = (ushort)0;
        if (node.Arguments.Count == 0 || !ConfigValues.TryAddress(node.Arguments[0], out var address)
            || (node.Arguments.Count > 1 && !ConfigValues.TryPort(node.Arguments[1], out port)))
        {
            report.Add(node, $"Invalid sorry server IP address {(node.Arguments.Count > 0 ? node.Arguments[0] : string.Empty)} - skipping");
            return;
        }
        vs.SorryServer = new RealServerConfig(address, port, node.Position);
    }

    internal static LvsMethod? Method(ConfigNode node, ConfigReport report, string serverType)
    {
        LvsMethod? method = node.Arguments[0] switch { "NAT" => LvsMethod.Nat, "DR" => LvsMethod.DirectRoute, "TUN" => LvsMethod.Tunnel, _ => null };
        if (method is null)
        {
            report.Add(node, $"PARSER : unknown [{node.Arguments[0]}] routing method for {serverType} server.");
            return null;
        }
        if (node.Arguments.Count > 1)
        {
            // GUE and GRE tunnels (and their checksum options) are refused by the data path, which encapsulates IP-in-IP only.
            var options = node.Arguments.Skip(1).ToList();
            if (options is not ["type", "ipip"])
            {
                report.Add(node, $"tunnel options '{string.Join(' ', options)}' for {serverType} server are not supported by this director (IP-in-IP only) - ignoring them");
            }
        }
        return method;
    }

    internal static TimeSpan? Timer(ConfigNode node, ConfigReport report, string invalid)
    {
        if (!report.NeedsArgument(node))
        {
            return null;
        }
        if (ConfigValues.TryTimer(node.Arguments[0], out var value))
        {
            return value;
        }
        InvalidNumber(node, report);
        report.Add(node, string.Format(System.Globalization.CultureInfo.InvariantCulture, invalid, node.Arguments[0]));
        return null;
    }

    internal static long? Number(ConfigNode node, ConfigReport report, long minimum, long maximum, string invalid)
    {
        if (!report.NeedsArgument(node))
        {
            return null;
        }
        if (ConfigValues.TryNumber(node.Arguments[0], minimum, maximum, out var value))
        {
            return value;
        }
        InvalidNumber(node, report);
        report.Add(node, string.Format(System.Globalization.CultureInfo.InvariantCulture, invalid, node.Arguments[0]));
        return null;
    }

    /// <summary>
    /// A firewall mark as keepalived's read_unsigned reads one (decimal, 0 to UINT32_MAX), with its complaint about
    /// the text when it is not one; null then.
    /// </summary>
    internal static uint? FirewallMark(ConfigNode node, string text, ConfigReport report)
    {
        if (text.Length > 0 && text.All(char.IsAsciiDigit))
        {
            if (uint.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var mark))
            {
                return mark;
            }
            report.Add(node, $"number '{text}' outside unsigned integer range");
            return null;
        }
        report.Add(node, text.StartsWith('-') && text.Length > 1 && text[1..].All(char.IsAsciiDigit)
            ? $"negative number '{text}'"
            : $"invalid number '{text}'");
        return null;
    }

    /// <summary>keepalived's number readers say first that the text is not a number at all.</summary>
    private static void InvalidNumber(ConfigNode node, ConfigReport report)
    {
        var text = node.Arguments[0];
        if (text.StartsWith('-') && text.Length > 1 && text[1..].All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            report.Add(node, $"negative number '{text}'");
        }
        else if (!text.All(c => char.IsAsciiDigit(c) || c == '.') || text.Trim('.').Length == 0)
        {
            report.Add(node, $"invalid number '{text}'");
        }
    }

    internal static bool? Flag(ConfigNode node, ConfigReport report, string name)
    {
        var value = ConfigValues.Flag(node.Arguments);
        if (value is null)
        {
            report.Add(node, $"Invalid {name} parameter {node.Arguments[0]}");
        }
        return value;
    }

    /// <summary>A notify or quorum script: its words, a single quoted string split into program and arguments as keepalived splits it.</summary>
    internal static ScriptCommand? Script(ScriptCommand? existing, ConfigNode node, ConfigReport report, string name, string owner)
    {
        if (!report.NeedsArgument(node))
        {
            return existing;
        }
        if (existing is not null)
        {
            report.Add(node, $"({owner}) {name} script already specified - ignoring {node.Arguments[0]}");
            return existing;
        }
        var words = node.Arguments.Count == 1
            ? node.Arguments[0].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)
            : node.Arguments.ToArray();
        return words.Length == 0 ? null : new ScriptCommand(words);
    }
}
