using System.Globalization;
using System.Text;
using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Listing;

/// <summary>
/// <c>ipvsadm -Lc</c>: the connection entries as ipvsadm prints them from the kernel's /proc/net/ip_vs_conn
/// (<c>ip_vs_conn_seq_show</c>, then ipvsadm's <c>print_conn</c>). Pure: reads the table at a given moment.
/// </summary>
public sealed class ConnectionListing
{
    private const long MicrosecondsPerSecond = 1_000_000;

    private readonly INameResolver _names;

    public ConnectionListing(INameResolver? names = null)
    {
        _names = names ?? NumericNameResolver.Instance;
    }

    /// <summary>
    /// Every live connection at <paramref name="now"/> (engine µs), in the table's slot order (the kernel's is
    /// its hash order, which a user-space table does not share). A connection whose time is up is gone, as the
    /// kernel's timer would have removed it.
    /// </summary>
    public string List(ConnectionTable table, long now, ListingOptions options)
    {
        var text = new StringBuilder();
        text.Append(ListingFormats.ConnectionsHeading);
        if (options.Detail == ListingDetail.PersistentConnections)
        {
            Append(text, ListingFormats.ConnectionsPersistenceTitle, "state", "source", "virtual", "destination", "pe name", "pe_data");
        }
        else
        {
            Append(text, ListingFormats.ConnectionsTitle, "state", "source", "virtual", "destination");
        }
        foreach (var slot in table.Slots())
        {
            ref var connection = ref table[slot];
            if (connection.ExpiresAt <= now)
            {
                continue;
            }
            AppendConnection(text, in connection, now, options);
        }
        return text.ToString();
    }

    /// <summary>
    /// One line. No persistence engine data exists here, so even with --persistent-conn a line has the
    /// six plain columns, as ipvsadm prints for a kernel line without pe fields.
    /// </summary>
    private void AppendConnection(StringBuilder text, in Connection connection, long now, ListingOptions options)
    {
        IpProtocol? protocol = connection.Protocol switch
        {
            (byte)IpProtocol.Tcp => IpProtocol.Tcp,
            (byte)IpProtocol.Udp => IpProtocol.Udp,
            _ => null,
        };
        // The kernel prints whole seconds left, rounded down.
        var seconds = (connection.ExpiresAt - now) / MicrosecondsPerSecond;
        var expiry = string.Format(CultureInfo.InvariantCulture, ListingFormats.ConnectionExpiry, seconds / 60, seconds % 60);
        Append(text, ListingFormats.ConnectionLine,
            ConnectionNames.Protocol(connection.Protocol),
            expiry,
            ConnectionNames.State(connection.Protocol, connection.State, connection.IsTemplate),
            Endpoint(connection.ClientAddress, connection.ClientPort, protocol, options),
            Endpoint(connection.VirtualAddress, connection.VirtualPort, protocol, options),
            Endpoint(connection.DestinationAddress, connection.DestinationPort, protocol, options));
    }

    private string Endpoint(InetAddress address, ushort port, IpProtocol? protocol, ListingOptions options) =>
        EndpointNames.Format(address, port, protocol, options.Numeric, _names);

    private static void Append(StringBuilder text, string format, params ReadOnlySpan<object?> arguments) =>
        text.AppendFormat(CultureInfo.InvariantCulture, format, arguments);
}
