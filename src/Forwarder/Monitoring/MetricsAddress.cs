using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Forwarder.Monitoring;

/// <summary>
/// Where <c>--metrics</c> listens: an IP address and a port, nothing else, so the endpoint is bound exactly where
/// the operator said (<c>127.0.0.1:9100</c>, <c>192.0.2.10:9100</c>, <c>[::1]:9100</c>; <c>0.0.0.0:PORT</c> for every
/// address, only when written so). Host names are refused: a name could resolve somewhere unintended.
/// </summary>
public sealed record MetricsAddress(IPAddress Address, int Port)
{
    /// <exception cref="ArgumentException">Not ADDRESS:PORT, with what was wrong.</exception>
    public static MetricsAddress Parse(string text)
    {
        string Refused(string why) => $"--metrics {text}: {why}; expected ADDRESS:PORT, as 127.0.0.1:9100 or [::1]:9100";
        var colon = text.LastIndexOf(':');
        if (colon <= 0)
        {
            throw new ArgumentException(Refused("no port"));
        }
        var host = text[..colon];
        var portText = text[(colon + 1)..];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException(Refused("an IPv6 address goes in brackets"));
        }
        if (!IPAddress.TryParse(host, out var address) || (address.AddressFamily == AddressFamily.InterNetwork && !IsDottedQuad(host)))
        {
            throw new ArgumentException(Refused($"'{host}' is not an IP address"));
        }
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException(Refused($"'{portText}' is not a port (1-65535)"));
        }
        return new MetricsAddress(address, port);
    }

    /// <summary>The host part of an HTTP listener prefix for this address.</summary>
    public string PrefixHost => Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Address}]" : Address.ToString();

    public override string ToString() => $"{PrefixHost}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>IPAddress.TryParse takes "10" or "10.1" as inet_aton would; an address to listen on is written in full.</summary>
    private static bool IsDottedQuad(string host) => host.Count(c => c == '.') == 3;
}
