using System.Globalization;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Naming;

namespace Forwarder.Ipvsadm.Control;

/// <summary>
/// ipvsadm reads <c>-t/-u/--sctp-service HOST:PORT</c> and <c>-r HOST:PORT</c> in its own process
/// (parse_service: inet_aton, else gethostbyname; a port number, else getservbyname). So does the admin process
/// here: before a request goes to the director, a host name or port name in those arguments that this process can
/// resolve becomes the number it stands for. What it cannot resolve goes as typed, and the director refuses it in
/// ipvsadm's words. (Lines of a -R input are still read by the director with its own /etc/hosts and /etc/services.)
/// </summary>
public static class ArgumentNames
{
    private static readonly Dictionary<string, IpProtocol?> AddressOptions = new(StringComparer.Ordinal)
    {
        ["-t"] = IpProtocol.Tcp,
        ["--tcp-service"] = IpProtocol.Tcp,
        ["-u"] = IpProtocol.Udp,
        ["--udp-service"] = IpProtocol.Udp,
        ["--sctp-service"] = IpProtocol.Sctp,
        ["-r"] = null,
        ["--real-server"] = null,
    };

    public static IReadOnlyList<string> Resolve(IReadOnlyList<string> arguments, INameLookup lookup)
    {
        // A real server's port is named for its service's protocol.
        var serviceProtocol = IpProtocol.Tcp;
        foreach (var argument in arguments)
        {
            var option = argument.Split('=', 2)[0];
            if (AddressOptions.TryGetValue(option, out var protocol) && protocol is { } known)
            {
                serviceProtocol = known;
            }
        }
        var resolved = arguments.ToArray();
        for (var i = 0; i < resolved.Length; i++)
        {
            var argument = resolved[i];
            if (argument.StartsWith("--", StringComparison.Ordinal) && argument.IndexOf('=', StringComparison.Ordinal) is var equals and > 0
                && AddressOptions.TryGetValue(argument[..equals], out var inline))
            {
                resolved[i] = argument[..(equals + 1)] + Numeric(argument[(equals + 1)..], inline ?? serviceProtocol, lookup);
            }
            else if (AddressOptions.TryGetValue(argument, out var protocol) && i + 1 < resolved.Length)
            {
                resolved[i + 1] = Numeric(resolved[i + 1], protocol ?? serviceProtocol, lookup);
                i++;
            }
        }
        return resolved;
    }

    /// <summary>HOST[:PORT] with the names this process knows replaced by numbers; the rest as it was.</summary>
    private static string Numeric(string text, IpProtocol protocol, INameLookup lookup)
    {
        var colon = text.LastIndexOf(':');
        var host = colon < 0 ? text : text[..colon];
        if (host.Length > 0 && !InetAtonAddress.TryParse(host, out _) && !host.All(char.IsAsciiDigit) && lookup.Address(host) is { } address)
        {
            host = address.ToString();
        }
        if (colon < 0)
        {
            return host;
        }
        var port = text[(colon + 1)..];
        if (port.Length > 0 && !port.All(char.IsAsciiDigit) && lookup.Port(port, protocol) is { } number)
        {
            port = number.ToString(CultureInfo.InvariantCulture);
        }
        return host + ":" + port;
    }
}
