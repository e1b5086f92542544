using Forwarder.Keepalived.Configuration;

namespace Forwarder.Keepalived.Supervision;

/// <summary>The ipvsadm command lines keepalived's ipvs_cmd amounts to, for a virtual service and its real servers.</summary>
internal static class IpvsadmLines
{
    public static string[] AddService(VirtualServerConfig vs, ServiceAddress service)
    {
        var words = new List<string> { "-A" };
        words.AddRange(Service(service));
        words.AddRange(["-s", vs.Scheduler]);
        if (vs.PersistenceTimeout is { } timeout)
        {
            words.AddRange(["-p", timeout.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            if (vs.PersistenceGranularity is { } mask)
            {
                words.AddRange(["-M", mask]);
            }
        }
        if (vs.SchedulerFlags.Count > 0)
        {
            words.AddRange(["-b", string.Join(',', vs.SchedulerFlags)]);
        }
        if (vs.OnePacket)
        {
            words.Add("-o");
        }
        return [.. words];
    }

    /// <summary>-a or -e with the server's method, weight and thresholds.</summary>
    public static string[] Destination(string command, ServiceAddress service, RealServerConfig rs, int weight)
    {
        var words = new List<string> { command };
        words.AddRange(Service(service));
        words.AddRange(["-r", rs.Endpoint, Method(rs.Method), "-w", weight.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (rs.UpperThreshold > 0)
        {
            words.AddRange(["-x", rs.UpperThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        if (rs.LowerThreshold > 0)
        {
            words.AddRange(["-y", rs.LowerThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        return [.. words];
    }

    public static string[] DeleteDestination(ServiceAddress service, RealServerConfig rs) =>
        ["-d", .. Service(service), "-r", rs.Endpoint];

    private static string[] Service(ServiceAddress service) => service.IsFirewallMark
        ? service.IsIpv6
            ? ["-f", service.FirewallMark.ToString(System.Globalization.CultureInfo.InvariantCulture), "-6"]
            : ["-f", service.FirewallMark.ToString(System.Globalization.CultureInfo.InvariantCulture)]
        : service.Protocol switch
        {
            LvsProtocol.Udp => ["-u", service.Endpoint],
            LvsProtocol.Sctp => ["--sctp-service", service.Endpoint],
            _ => ["-t", service.Endpoint],
        };

    private static string Method(LvsMethod method) => method switch
    {
        LvsMethod.DirectRoute => "-g",
        LvsMethod.Tunnel => "-i",
        _ => "-m",
    };
}
