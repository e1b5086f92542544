using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Forwarder.Keepalived.Configuration;

/// <summary>A checker block (TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK, DNS_CHECK) with keepalived's common and own keywords.</summary>
internal static class CheckerReader
{
    private static readonly Dictionary<string, ushort> DnsTypes = new(StringComparer.Ordinal)
    {
        ["A"] = 1,
        ["NS"] = 2,
        ["CNAME"] = 5,
        ["SOA"] = 6,
        ["MX"] = 15,
        ["TXT"] = 16,
        ["AAAA"] = 28,
    };

    public static CheckerConfig? Read(ConfigNode node, ConfigReport report)
    {
        CheckerConfig checker = node.Keyword switch
        {
            "TCP_CHECK" => new TcpCheckConfig(),
            "HTTP_GET" => new HttpCheckConfig(tls: false),
            "SSL_GET" => new HttpCheckConfig(tls: true),
            "MISC_CHECK" => new MiscCheckConfig(),
            _ => new DnsCheckConfig(),
        };
        checker.Position = node.Position;
        foreach (var child in node.Children ?? [])
        {
            if (!Common(checker, child, report) && !Own(checker, child, report))
            {
                report.Unknown(child);
            }
        }
        return End(checker, node, report);
    }

    /// <summary>What keepalived says at the end of a checker's block: a checker without what it needs is dropped.</summary>
    private static CheckerConfig? End(CheckerConfig checker, ConfigNode node, ConfigReport report)
    {
        switch (checker)
        {
            case HttpCheckConfig { Urls.Count: 0 }:
                report.Add(node.End, "HTTP/SSL_GET checker has no urls specified - ignoring");
                return null;
            case MiscCheckConfig { Script: null }:
                report.Add(node.End, "No script path has been specified for MISC_CHECKER - skipping");
                return null;
            default:
                return checker;
        }
    }

    /// <summary>install_checker_common_keywords: timing for every checker, connection keywords for all but MISC_CHECK.</summary>
    private static bool Common(CheckerConfig checker, ConfigNode node, ConfigReport report)
    {
        var connection = checker is not MiscCheckConfig;
        switch (node.Keyword)
        {
            case "retry":
                checker.RetrySet = (int?)VirtualServerReader.Number(node, report, 0, uint.MaxValue, "Invalid retry connection value '{0}'") ?? checker.RetrySet;
                return true;
            case "nb_get_retry" when checker is HttpCheckConfig:
                report.Add(node, "nb_get_retry is deprecated - please use 'retry'");
                checker.RetrySet = (int?)VirtualServerReader.Number(node, report, 0, uint.MaxValue, "Invalid nb_get_retry value '{0}'") ?? checker.RetrySet;
                return true;
            case "delay_before_retry":
                checker.DelayBeforeRetrySet = VirtualServerReader.Timer(node, report, "Invalid delay_before_retry connection value '{0}'") ?? checker.DelayBeforeRetrySet;
                return true;
            case "warmup":
                checker.WarmupSet = VirtualServerReader.Timer(node, report, "Invalid warmup connection value '{0}'") ?? checker.WarmupSet;
                return true;
            case "delay_loop":
                if (VirtualServerReader.Timer(node, report, "delay_loop '{0}' is invalid - ignoring") is { } delay)
                {
                    if (delay > TimeSpan.Zero)
                    {
                        checker.DelayLoopSet = delay;
                    }
                    else
                    {
                        report.Add(node, $"delay_loop '{node.Arguments[0]}' is invalid - ignoring");
                    }
                }
                return true;
            case "alpha":
                checker.AlphaSet = VirtualServerReader.Flag(node, report, "alpha") ?? checker.AlphaSet;
                return true;
            case "log_all_failures":
                checker.LogAllFailures = VirtualServerReader.Flag(node, report, "log_all_failures") ?? checker.LogAllFailures;
                return true;
            case "connect_ip" when connection:
                if (report.NeedsArgument(node))
                {
                    // As co_ip_handler: either family, but the same as bindto's when that came first.
                    if (!ConfigValues.TryAddress(node.Arguments[0], out var ip))
                    {
                        report.Add(node, $"Invalid connect_ip address {node.Arguments[0]} - ignoring");
                    }
                    else if (checker.BindIp is { } bound && bound.AddressFamily != ip.AddressFamily)
                    {
                        report.Add(node, $"connect_ip address {node.Arguments[0]} does not match address family of bindto - skipping");
                    }
                    else
                    {
                        checker.ConnectIp = ip;
                    }
                }
                return true;
            case "connect_port" when connection:
                if (report.NeedsArgument(node))
                {
                    if (ConfigValues.TryPort(node.Arguments[0], out var port))
                    {
                        checker.ConnectPort = port;
                    }
                    else
                    {
                        report.Add(node, $"Invalid checker connect_port '{node.Arguments[0]}'");
                    }
                }
                return true;
            case "bindto" when connection:
                if (report.NeedsArgument(node))
                {
                    if (!ConfigValues.TryAddress(node.Arguments[0], out var bind))
                    {
                        report.Add(node, $"Invalid bindto address {node.Arguments[0]} - ignoring");
                    }
                    else if (checker.ConnectIp is { } connect && connect.AddressFamily != bind.AddressFamily)
                    {
                        report.Add(node, $"bindto address {node.Arguments[0]} does not match address family of connect_ip - skipping");
                    }
                    else
                    {
                        checker.BindIp = bind;
                    }
                }
                return true;
            case "bind_port" when connection:
                if (report.NeedsArgument(node))
                {
                    if (ConfigValues.TryPort(node.Arguments[0], out var bindPort))
                    {
                        checker.BindPort = bindPort;
                    }
                    else
                    {
                        report.Add(node, $"Invalid checker bind_port '{node.Arguments[0]}'");
                    }
                }
                return true;
            case "connect_timeout" when connection:
                if (VirtualServerReader.Timer(node, report, "connect_timeout {0} invalid - ignoring") is { } timeout)
                {
                    if (timeout > TimeSpan.Zero)
                    {
                        checker.ConnectTimeoutSet = timeout;
                    }
                    else
                    {
                        report.Add(node, $"connect_timeout {node.Arguments[0]} invalid - ignoring");
                    }
                }
                return true;
            case "bind_if" or "fwmark" when connection:
                report.NotSupported(node);
                return true;
            default:
                return false;
        }
    }

    private static bool Own(CheckerConfig checker, ConfigNode node, ConfigReport report)
    {
        switch (checker)
        {
            case HttpCheckConfig http:
                return Http(http, node, report);
            case MiscCheckConfig misc:
                return Misc(misc, node, report);
            case DnsCheckConfig dns:
                return Dns(dns, node, report);
            default:
                return false;
        }
    }

    private static bool Http(HttpCheckConfig http, ConfigNode node, ConfigReport report)
    {
        switch (node.Keyword)
        {
            case "url":
                if (Url(node, report) is { } url)
                {
                    http.Urls.Add(url);
                }
                return true;
            case "virtualhost":
                if (node.Arguments.Count == 0)
                {
                    report.Add(node, "HTTP_GET virtualhost name missing");
                }
                else
                {
                    http.VirtualHost = node.Arguments[0];
                }
                return true;
            case "http_protocol":
                if (report.NeedsArgument(node))
                {
                    var protocol = node.Arguments[0].ToUpperInvariant();
                    if (protocol is "1.0" or "1.0C" or "1.1")
                    {
                        http.HttpProtocol = protocol;
                    }
                    else
                    {
                        report.Add(node, $"Invalid http_protocol {node.Arguments[0]} specified");
                    }
                }
                return true;
            case "enable_sni":
                http.EnableSni = VirtualServerReader.Flag(node, report, "enable_sni") ?? http.EnableSni;
                return true;
            case "fast_recovery" or "tls_compliant":
                // Timing and TLS-closing refinements: the checks run as without them.
                report.NotSupported(node);
                return true;
            default:
                return false;
        }
    }

    private static HttpUrlConfig? Url(ConfigNode node, ConfigReport report)
    {
        var url = new HttpUrlConfig();
        foreach (var child in node.Children ?? [])
        {
            switch (child.Keyword)
            {
                case "path":
                    if (report.NeedsArgument(child))
                    {
                        url.Path = child.Arguments[0];
                    }
                    break;
                case "digest":
                    if (report.NeedsArgument(child))
                    {
                        Digest(url, child, report);
                    }
                    break;
                case "status_code":
                    foreach (var code in child.Arguments)
                    {
                        StatusCodes(url, code, child, report);
                    }
                    break;
                case "virtualhost":
                    if (child.Arguments.Count == 0)
                    {
                        report.Add(child, "Missing HTTP_GET virtualhost name");
                    }
                    else
                    {
                        url.VirtualHost = child.Arguments[0];
                    }
                    break;
                case "regex" or "regex_no_match" or "regex_options" or "regex_min_offset" or "regex_max_offset" or "regex_stack" or "tls_compliant":
                    report.NotSupported(child);
                    break;
                default:
                    report.Unknown(child);
                    break;
            }
        }
        if (url.Path.Length == 0)
        {
            report.Add(node.End, "HTTP/SSL_GET checker url has no path - ignoring");
            return null;
        }
        if (url.StatusCodes.Count == 0)
        {
            for (var code = 200; code <= 299; code++)
            {
                url.StatusCodes.Add(code);
            }
        }
        return url;
    }

    private static void Digest(HttpUrlConfig url, ConfigNode node, ConfigReport report)
    {
        var text = node.Arguments[0];
        if (url.Digest is not null)
        {
            report.Add(node, $"Digest '{text}' is a duplicate");
            return;
        }
        if (text.Length != 32)
        {
            report.Add(node, $"digest '{text}' character length should be 32 rather than {text.Length}");
            return;
        }
        try
        {
            url.Digest = Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            report.Add(node, $"Unable to interpret hex digit in '{text}'");
        }
    }

    private static void StatusCodes(HttpUrlConfig url, string text, ConfigNode node, ConfigReport report)
    {
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var minText = dash < 0 ? text : text[..dash];
        var maxText = dash < 0 ? text : text[(dash + 1)..];
        if (!int.TryParse(minText, NumberStyles.None, CultureInfo.InvariantCulture, out var min)
            || !int.TryParse(maxText, NumberStyles.None, CultureInfo.InvariantCulture, out var max)
            || min < 100 || max > 599 || min > max)
        {
            report.Add(node, $"Invalid HTTP_GET status code '{text}'");
            return;
        }
        for (var code = min; code <= max; code++)
        {
            url.StatusCodes.Add(code);
        }
    }

    private static bool Misc(MiscCheckConfig misc, ConfigNode node, ConfigReport report)
    {
        switch (node.Keyword)
        {
            case "misc_path":
                if (report.NeedsArgument(node))
                {
                    misc.Script = VirtualServerReader.Script(null, node, report, "misc_path", "MISC_CHECK");
                }
                return true;
            case "misc_timeout":
                if (VirtualServerReader.Number(node, report, 0, uint.MaxValue / 1_000_000, "Invalid misc_timeout value '{0}'") is { } seconds)
                {
                    misc.Timeout = seconds == 0 ? null : TimeSpan.FromSeconds(seconds);
                }
                return true;
            case "misc_dynamic":
                misc.Dynamic = true;
                return true;
            case "user":
                report.NotSupported(node, "not supported by this director (scripts run as the director's user)");
                return true;
            default:
                return false;
        }
    }

    private static bool Dns(DnsCheckConfig dns, ConfigNode node, ConfigReport report)
    {
        switch (node.Keyword)
        {
            case "type":
                if (report.NeedsArgument(node))
                {
                    if (DnsTypes.TryGetValue(node.Arguments[0].ToUpperInvariant(), out var type))
                    {
                        dns.QueryType = type;
                        dns.QueryTypeName = node.Arguments[0].ToUpperInvariant();
                    }
                    else
                    {
                        report.Add(node, $"Unknown DNS check type {node.Arguments[0]} - ignoring");
                    }
                }
                return true;
            case "name":
                if (report.NeedsArgument(node))
                {
                    var name = node.Arguments[0];
                    if ((name.StartsWith('.') && name != ".") || name.Contains("..", StringComparison.Ordinal))
                    {
                        report.Add(node, $"DNS_CHECK name '{name}' has empty label - ignoring");
                    }
                    else
                    {
                        dns.Name = name == "." ? string.Empty : name;
                    }
                }
                return true;
            default:
                return false;
        }
    }

    /// <summary>The address checks connect to, from connect_ip/connect_port over the real server's.</summary>
    internal static IPEndPoint DestinationOf(CheckerConfig checker, RealServerConfig realServer) =>
        new(checker.ConnectIp ?? realServer.Address, checker.ConnectPort ?? realServer.Port);
}
