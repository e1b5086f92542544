using Forwarder.Core.Connections;
using Forwarder.Core.Forwarding;
using Forwarder.Core.Frames;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Icmp;

/// <summary>
/// ICMPv6 errors about the director's IPv6 connections, relayed to the other side by the connection's forwarding
/// method as IPVS's ip_vs_in_icmp_v6 and ip_vs_out_icmp_v6 relay them (IPv4's are <see cref="IcmpHandler"/>'s): only
/// destination unreachable, packet too big and time exceeded, quoting a TCP or UDP packet (not a later fragment) of a
/// tracked connection. From the clients' side the quote is a packet the director sent a client; from the real servers'
/// side, one a real server got from a client. NAT rewrites them (ip_vs_nat_icmp_v6), direct routing passes the clients'
/// on unchanged, a tunnel's are not ours.
/// </summary>
public sealed class Icmpv6ErrorRelay
{
    private readonly DirectorTopology _topology;
    private readonly ConnectionTable _connections;
    private readonly TransmitTable _transmits;

    public Icmpv6ErrorRelay(DirectorTopology topology, ConnectionTable connections, TransmitTable transmits)
    {
        _topology = topology;
        _connections = connections;
        _transmits = transmits;
    }

    /// <summary>NotOursIpv6 when the message is no error about a connection of ours.</summary>
    public FrameOutcome Handle(in FrameContext context, ReadOnlySpan<byte> frame, in PacketFields fields, int interfaceIndex)
    {
        var link = _topology.Interfaces[interfaceIndex];
        if (!Icmpv6Errors.IsRelayed(fields.IcmpType) || MacAddress.Read(frame) != link.Mac ||
            !Icmpv6QuotedPacket.TryRead(frame, fields.TransportOffset, FrameLayout.EthernetHeaderLength + fields.TotalLength, out var quoted) ||
            quoted.IsLaterFragment || quoted.Protocol is not (FrameLayout.ProtocolTcp or FrameLayout.ProtocolUdp))
        {
            return FrameOutcome.NotOursIpv6;
        }
        if (link.Role == InterfaceRole.Public)
        {
            var slot = _connections.FindByClient(quoted.Protocol, quoted.DestinationAddress, quoted.DestinationPort, quoted.SourceAddress, quoted.SourcePort, context.Now);
            if (slot < 0)
            {
                return FrameOutcome.NotOursIpv6;
            }
            ref var connection = ref _connections[slot];
            return _transmits[connection.Method].RelayIcmpv6ToServer(context, ref connection, frame, fields, quoted);
        }
        var nat = _connections.FindByServer(quoted.Protocol, quoted.DestinationAddress, quoted.DestinationPort, quoted.SourceAddress, quoted.SourcePort, context.Now);
        if (nat < 0)
        {
            return FrameOutcome.NotOursIpv6;
        }
        ref var replied = ref _connections[nat];
        return _transmits[replied.Method].RelayIcmpv6ToClient(context, ref replied, frame, fields, quoted);
    }
}
