using System.Globalization;
using System.Text;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Listing;

namespace Forwarder.Ipvsadm.Control;

/// <summary>
/// ipvsadm resolves names in its own process (gethostbyaddr, getservbyport), so a listing without -n shows what
/// the admin's resolver says, not what the director's host knows. Over the control socket that takes two rounds,
/// both ordinary requests: the client asks which addresses and ports the listing would name (the arguments behind
/// <see cref="QueryMarker"/>; the director answers one per line), resolves them itself, and sends the listing
/// request again behind <see cref="NamesMarker"/> with the names on its standard input. The director lays the
/// listing out with those names, so ipvsadm's column widths and cuts stay its own. A name for an address that
/// appeared between the two rounds is simply not there: that one prints as a number.
/// </summary>
public static class ClientNaming
{
    public const string QueryMarker = "--forwarder-name-query";
    public const string NamesMarker = "--forwarder-names";

    /// <summary>Whether ipvsadm would print names for these arguments: a listing or -S without -n.</summary>
    public static bool WantsNames(IReadOnlyList<string> arguments, IpvsadmParser parser)
    {
        try
        {
            var command = parser.Parse(arguments);
            return command.Kind is IpvsadmCommandKind.List or IpvsadmCommandKind.Save && !command.Listing.HasFlag(ListingFlags.Numeric);
        }
        catch (IpvsadmUsageException)
        {
            // The director answers with ipvsadm's own words for it.
            return false;
        }
    }

    /// <summary>The client's two rounds, through <paramref name="send"/>, with names from <paramref name="resolver"/>.</summary>
    public static IpvsadmResult Send(Func<IpvsadmInvocation, IpvsadmResult> send, IReadOnlyList<string> arguments, INameResolver resolver)
    {
        var query = send(new IpvsadmInvocation([QueryMarker, .. arguments]));
        if (query.ExitCode != 0)
        {
            return query;
        }
        var names = new StringBuilder();
        foreach (var line in query.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var words = line.Split(' ');
            if (words is ["host", var address] && Ipv4Address.TryParse(address, out var host) && resolver.HostName(host) is { } hostName)
            {
                names.Append(CultureInfo.InvariantCulture, $"host {address} {hostName}\n");
            }
            else if (words is ["port", var portText, var protocolText] && ushort.TryParse(portText, CultureInfo.InvariantCulture, out var port)
                && ProtocolOf(protocolText) is { } protocol && resolver.PortName(port, protocol) is { } portName)
            {
                names.Append(CultureInfo.InvariantCulture, $"port {portText} {protocolText} {portName}\n");
            }
        }
        return send(new IpvsadmInvocation([NamesMarker, .. arguments], names.ToString()));
    }

    /// <summary>The director's answer to the first round: what the listing asked names for.</summary>
    public static string FormatQuery(NameQueryResolver asked)
    {
        var text = new StringBuilder();
        foreach (var host in asked.Hosts)
        {
            text.Append(CultureInfo.InvariantCulture, $"host {host}\n");
        }
        foreach (var (port, protocol) in asked.Ports)
        {
            text.Append(CultureInfo.InvariantCulture, $"port {port} {NameOf(protocol)}\n");
        }
        return text.ToString();
    }

    /// <summary>The names the client sent with the second round; a line that is not one is skipped.</summary>
    public static SuppliedNameResolver ParseNames(string text)
    {
        var hosts = new Dictionary<Ipv4Address, string>();
        var ports = new Dictionary<(ushort, IpProtocol), string>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var words = line.Split(' ');
            if (words is ["host", var address, var name] && Ipv4Address.TryParse(address, out var host))
            {
                hosts[host] = name;
            }
            else if (words is ["port", var portText, var protocolText, var portName]
                && ushort.TryParse(portText, CultureInfo.InvariantCulture, out var port) && ProtocolOf(protocolText) is { } protocol)
            {
                ports[(port, protocol)] = portName;
            }
        }
        return new SuppliedNameResolver(hosts, ports);
    }

    private static string NameOf(IpProtocol protocol) => protocol switch
    {
        IpProtocol.Tcp => "tcp",
        IpProtocol.Udp => "udp",
        IpProtocol.Sctp => "sctp",
        _ => ((int)protocol).ToString(CultureInfo.InvariantCulture),
    };

    private static IpProtocol? ProtocolOf(string name) => name switch
    {
        "tcp" => IpProtocol.Tcp,
        "udp" => IpProtocol.Udp,
        "sctp" => IpProtocol.Sctp,
        _ => null,
    };
}
