using System.Net;

namespace Forwarder.Keepalived.Configuration;

/// <summary>
/// Completes a virtual server read from its block as keepalived's validate_check_config does: the protocol, scheduler
/// and method defaults, real servers' defaults from the virtual server and checkers' from their real server, ports
/// for NAT and the others, the quorum against the weights; each correction reported in keepalived's words.
/// </summary>
internal static class VirtualServerCompletion
{
    public static VirtualServerConfig? Complete(VirtualServerConfig vs, IReadOnlyDictionary<string, VirtualServerGroup> groups, ConfigReport report)
    {
        var position = vs.Position;
        if (vs.GroupName is { } groupName)
        {
            vs.Services.AddRange(groups[groupName].Entries.Select(entry => new ServiceAddress(entry.Address, entry.Port, vs.Protocol)));
            var group = groups[groupName];
            vs.Services.AddRange(group.FirewallMarks.Select(entry => ServiceAddress.ForFirewallMark(entry.Mark, entry.Family ?? group.FamilyForMarks(vs.Family))));
        }
        else if (!vs.IsFirewallMark)
        {
            var single = vs.Services[0];
            vs.Services[0] = single with { Protocol = vs.Protocol };
            vs.Name = vs.Services[0].ToString();
        }
        if (!vs.HasAddressServices)
        {
            // As validate_check_config: marks alone select, so a protocol given is dropped (and said so), and neither
            // one-packet scheduling nor a zero port needs one.
            if (vs.ProtocolSet)
            {
                report.Add(position, $"Warning: Virtual server {vs.Name}: protocol specified for fwmark - protocol will be ignored");
            }
            vs.Protocol = LvsProtocol.None;
        }
        else if (!vs.ProtocolSet)
        {
            // keepalived leaves the protocol 0, which the kernel takes as UDP, and says so.
            var unset = vs.GroupName is null ? $"[{vs.Services[0].Address}]:none:{vs.Services[0].Port}" : vs.Name;
            report.Add(position, $"Virtual server {unset}: no protocol set - defaulting to UDP");
            vs.Protocol = LvsProtocol.Udp;
            Reprotocol(vs);
        }
        if (vs.OnePacket && vs.HasAddressServices && vs.Protocol != LvsProtocol.Udp)
        {
            report.Add(position, $"Virtual server {vs.Name}: one packet scheduling requires UDP - resetting");
            vs.OnePacket = false;
        }
        if (vs.PersistenceTimeout is null && vs.Services.Any(service => service.Port == 0 && !service.IsFirewallMark))
        {
            report.Add(position, $"Virtual server {vs.Name}: zero port only valid for persistent services - setting");
            vs.PersistenceTimeout = 360;
        }
        if (!vs.SchedulerSet)
        {
            report.Add(position, $"Virtual server {vs.Name}: no scheduler set, setting default 'wlc'");
        }
        RealServers(vs, report);
        if (vs.SorryServer is { } sorry)
        {
            sorry.Method = vs.SorryMethod ?? MethodOf(vs, report);
            sorry.Inhibit = vs.SorryInhibit;
            FixPort(vs, sorry, "sorry server", report);
        }
        Quorum(vs, report);
        return vs;
    }

    private static void Reprotocol(VirtualServerConfig vs)
    {
        for (var i = 0; i < vs.Services.Count; i++)
        {
            vs.Services[i] = vs.Services[i] with { Protocol = vs.Protocol };
        }
        if (vs.GroupName is null)
        {
            vs.Name = vs.Services[0].ToString();
        }
    }

    private static LvsMethod MethodOf(VirtualServerConfig vs, ConfigReport report)
    {
        if (vs.MethodSet is null)
        {
            report.Add(vs.Position, $"Virtual server {vs.Name}: no forwarding method set, setting default NAT");
            vs.MethodSet = LvsMethod.Nat;
        }
        return vs.MethodSet.Value;
    }

    private static void RealServers(VirtualServerConfig vs, ConfigReport report)
    {
        var seen = new HashSet<(IPAddress, ushort)>();
        foreach (var rs in vs.RealServers.ToList())
        {
            rs.Method = rs.MethodSet ?? MethodOf(vs, report);
            FixPort(vs, rs, "real server " + rs.NameIn(vs), report);
            if (!seen.Add((rs.Address, rs.Port)))
            {
                report.Add(rs.Position, $"VS {vs.Name}: real server {rs.NameIn(vs)} is duplicated - removing second rs");
                vs.RealServers.Remove(rs);
                continue;
            }
            rs.Weight = rs.WeightSet ?? vs.Weight;
            rs.Inhibit = rs.InhibitSet ?? vs.Inhibit;
            var alpha = rs.AlphaSet ?? vs.Alpha;
            var retry = rs.RetrySet ?? vs.Retry;
            var connectTimeout = rs.ConnectTimeoutSet ?? vs.ConnectTimeout;
            var delayLoop = rs.DelayLoopSet ?? vs.DelayLoop;
            var warmup = rs.WarmupSet ?? vs.Warmup;
            var delayBeforeRetry = rs.DelayBeforeRetrySet ?? vs.DelayBeforeRetry;
            foreach (var checker in rs.Checkers)
            {
                checker.Alpha = checker.AlphaSet ?? alpha;
                checker.Retry = checker.RetrySet ?? retry ?? checker.DefaultRetry;
                checker.ConnectTimeout = checker.ConnectTimeoutSet ?? connectTimeout;
                checker.DelayLoop = checker.DelayLoopSet ?? delayLoop;
                checker.Warmup = checker.WarmupSet ?? warmup ?? checker.DelayLoop;
                checker.DelayBeforeRetry = checker.DelayBeforeRetrySet ?? delayBeforeRetry ?? checker.DefaultDelayBeforeRetry ?? checker.DelayLoop;
                checker.Destination = CheckerReader.DestinationOf(checker, rs);
                var anyLocal = checker.Destination.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
                checker.BindTo = checker.BindIp is null && checker.BindPort is null ? null : new IPEndPoint(checker.BindIp ?? anyLocal, checker.BindPort ?? 0);
                switch (checker)
                {
                    case HttpCheckConfig http:
                        http.VirtualHost ??= rs.VirtualHost ?? vs.VirtualHost;
                        break;
                    case MiscCheckConfig misc:
                        misc.Timeout ??= vs.DelayLoop;
                        break;
                }
            }
        }
    }

    /// <summary>
    /// NAT takes the virtual server's port when none is given; DR and TUN always use the virtual server's. A
    /// firewall-mark virtual server has no port: NAT keeps the server's as given (0: each packet's own), DR and TUN
    /// lose one given, as keepalived says; a group with marks only warns that the port will not count.
    /// </summary>
    private static void FixPort(VirtualServerConfig vs, RealServerConfig rs, string what, ConfigReport report)
    {
        var sorry = what.StartsWith("sorry", StringComparison.Ordinal);
        if (vs.IsFirewallMark)
        {
            if (rs.Method != LvsMethod.Nat && rs.Port != 0)
            {
                report.Add(rs.Position, sorry
                    ? $"WARNING - virtual server {vs.Name}, sorry server has port specified - clearing"
                    : $"WARNING - fwmark virtual server {vs.Name}, {what} has port specified - clearing");
                rs.Port = 0;
            }
            return;
        }
        if (vs.GroupName is not null && vs.Services.Any(service => service.IsFirewallMark) && rs.Method != LvsMethod.Nat && rs.Port != 0)
        {
            report.Add(rs.Position, sorry
                ? $"WARNING - fwmark virtual server {vs.Name}, sorry server has port specified - port will be ignored"
                : $"WARNING - fwmark virtual server {vs.Name}, {what} has port specified - port will be ignored");
        }
        var servicePort = vs.Services.FirstOrDefault(service => !service.IsFirewallMark)?.Port ?? 0;
        if (rs.Method == LvsMethod.Nat)
        {
            if (rs.Port == 0)
            {
                rs.Port = servicePort;
            }
            return;
        }
        if (rs.Port == 0 || vs.GroupName is not null)
        {
            rs.Port = rs.Port == 0 ? servicePort : rs.Port;
            return;
        }
        if (rs.Port != servicePort)
        {
            report.Add(rs.Position, sorry
                ? $"WARNING - virtual server {vs.Name} and sorry server ports don't match - resetting"
                : $"WARNING - virtual server {vs.Name} and {what} ports don't match - resetting");
            rs.Port = servicePort;
        }
    }

    private static void Quorum(VirtualServerConfig vs, ConfigReport report)
    {
        var weightSum = vs.RealServers.Sum(rs => (long)rs.Weight);
        if (vs.Quorum > weightSum)
        {
            report.Add(vs.Position, $"Warning - quorum {vs.Quorum} for {vs.Name} exceeds total weight of real servers {weightSum}, reducing quorum to {weightSum}");
            vs.Quorum = weightSum;
        }
        if (vs.Hysteresis >= vs.Quorum && vs.Hysteresis > 0)
        {
            var reduced = Math.Max(0, vs.Quorum - 1);
            report.Add(vs.Position, $"Virtual server {vs.Name}: hysteresis {vs.Hysteresis} >= quorum {vs.Quorum}; setting hysteresis to {reduced}");
            vs.Hysteresis = reduced;
        }
    }
}
