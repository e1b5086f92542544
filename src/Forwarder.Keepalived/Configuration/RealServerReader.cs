namespace Forwarder.Keepalived.Configuration;

/// <summary>One <c>real_server IP PORT { }</c> block: its weight, method, thresholds, scripts and checkers.</summary>
internal static class RealServerReader
{
    /// <summary>Checkers keepalived has that this director does not run: the server keeps the others (or none: always up).</summary>
    private static readonly HashSet<string> UnsupportedCheckers = ["SMTP_CHECK", "UDP_CHECK", "PING_CHECK", "FILE_CHECK", "BFD_CHECK", "track_file"];

    public static RealServerConfig? Read(ConfigNode node, ConfigReport report)
    {
        var port = (ushort)0;
        if (node.Arguments.Count == 0 || !ConfigValues.TryAddress(node.Arguments[0], out var address)
            || (node.Arguments.Count > 1 && !ConfigValues.TryPort(node.Arguments[1], out port)))
        {
            report.Add(node, $"Invalid real server ip address/port {string.Join('/', node.Arguments)} - skipping");
            return null;
        }
        var realServer = new RealServerConfig(address, port, node.Position);
        foreach (var child in node.Children ?? [])
        {
            Keyword(realServer, child, report);
        }
        return realServer;
    }

    private static void Keyword(RealServerConfig rs, ConfigNode node, ConfigReport report)
    {
        var a = node.Arguments;
        switch (node.Keyword)
        {
            case "weight":
                if (VirtualServerReader.Number(node, report, 0, int.MaxValue, "Real server weight {0} is outside range 0-" + int.MaxValue) is { } weight)
                {
                    rs.WeightSet = (int)weight;
                }
                break;
            case "lvs_method":
                if (report.NeedsArgument(node) && VirtualServerReader.Method(node, report, "real") is { } method)
                {
                    rs.MethodSet = method;
                }
                break;
            case "uthreshold":
                rs.UpperThreshold = (int?)VirtualServerReader.Number(node, report, 0, int.MaxValue, "Invalid real_server uthreshold '{0}' - ignoring") ?? rs.UpperThreshold;
                break;
            case "lthreshold":
                rs.LowerThreshold = (int?)VirtualServerReader.Number(node, report, 0, int.MaxValue, "Invalid real_server lthreshold '{0}' - ignoring") ?? rs.LowerThreshold;
                break;
            case "inhibit_on_failure":
                rs.InhibitSet = VirtualServerReader.Flag(node, report, "inhibit_on_failure") ?? rs.InhibitSet;
                break;
            case "notify_up":
                rs.NotifyUp = VirtualServerReader.Script(rs.NotifyUp, node, report, "notify_up", rs.Endpoint);
                break;
            case "notify_down":
                rs.NotifyDown = VirtualServerReader.Script(rs.NotifyDown, node, report, "notify_down", rs.Endpoint);
                break;
            case "alpha":
                rs.AlphaSet = VirtualServerReader.Flag(node, report, "alpha") ?? rs.AlphaSet;
                break;
            case "retry":
                rs.RetrySet = (int?)VirtualServerReader.Number(node, report, 0, int.MaxValue, "retry value invalid - {0}") ?? rs.RetrySet;
                break;
            case "delay_before_retry":
                rs.DelayBeforeRetrySet = VirtualServerReader.Timer(node, report, "real server delay_before_retry '{0}' invalid - ignoring") ?? rs.DelayBeforeRetrySet;
                break;
            case "warmup":
                rs.WarmupSet = VirtualServerReader.Timer(node, report, "real server warmup '{0}' invalid - ignoring") ?? rs.WarmupSet;
                break;
            case "connect_timeout":
                rs.ConnectTimeoutSet = VirtualServerReader.Timer(node, report, "real server connect_timeout {0} invalid - ignoring") ?? rs.ConnectTimeoutSet;
                break;
            case "delay_loop":
                if (VirtualServerReader.Timer(node, report, "real server delay_loop '{0}' invalid - ignoring") is { } delay && delay > TimeSpan.Zero)
                {
                    rs.DelayLoopSet = delay;
                }
                break;
            case "virtualhost":
                if (a.Count == 0)
                {
                    report.Add(node, "real server virtualhost missing");
                }
                else
                {
                    rs.VirtualHost = a[0];
                }
                break;
            case "TCP_CHECK" or "HTTP_GET" or "SSL_GET" or "MISC_CHECK" or "DNS_CHECK":
                if (CheckerReader.Read(node, report) is { } checker)
                {
                    rs.Checkers.Add(checker);
                }
                break;
            case var unsupported when UnsupportedCheckers.Contains(unsupported):
                report.NotSupported(node, "a checker this director does not run");
                break;
            case "smtp_alert" or "snmp_name":
                report.NotSupported(node);
                break;
            default:
                report.Unknown(node);
                break;
        }
    }
}
