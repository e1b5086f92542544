using System.Globalization;
using Forwarder.Core.Connections;
using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Listing;

/// <summary>
/// The kernel's words for a connection entry, shared by <c>ipvsadm -Lc</c> and /proc/net/ip_vs_conn (which -Lc
/// reads on Linux): <c>ip_vs_proto_name</c> and <c>ip_vs_state_name</c>.
/// </summary>
public static class ConnectionNames
{
    /// <summary>As <c>ip_vs_proto_name</c>.</summary>
    public static string Protocol(byte protocol) => protocol switch
    {
        (byte)IpProtocol.Tcp => "TCP",
        (byte)IpProtocol.Udp => "UDP",
        (byte)IpProtocol.Sctp => "SCTP",
        0 => "IP",
        _ => string.Create(CultureInfo.InvariantCulture, $"IP_{protocol}"),
    };

    /// <summary>
    /// As <c>ip_vs_state_name</c>: a template shows its own state, NONE (it is never "assured" here); UDP has
    /// the single state "UDP"; TCP its state-table name.
    /// </summary>
    public static string State(byte protocol, TcpState state, bool isTemplate)
    {
        if (isTemplate)
        {
            return "NONE";
        }
        return protocol switch
        {
            (byte)IpProtocol.Tcp => TcpStateTable.Name(state),
            (byte)IpProtocol.Udp => "UDP",
            0 => "NONE",
            _ => "ERR!",
        };
    }
}
