using Forwarder.Core.Forwarding;
using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Services;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Masquerading;

/// <summary>
/// Masquerading for the networks the topology names (<c>masquerade 192.168.139.0/24</c>): what their hosts
/// send out that belongs to no virtual service leaves from the director's public address, and the replies
/// find their way back. TCP, UDP and ICMP echo (by its identifier). This decides and keeps the table; the
/// rewrite and the way out are <see cref="MasqueradeTransmit"/>'s.
/// </summary>
public sealed class Masquerader
{
    private readonly DirectorTopology _topology;
    private readonly NeighborTable _neighbors;
    private readonly MasqueradeTransmit _transmit;
    private readonly uint _publicAddress;

    public Masquerader(DirectorTopology topology, ServiceTable services, NeighborTable neighbors, MasqueradeTransmit transmit)
    {
        _topology = topology;
        _neighbors = neighbors;
        _transmit = transmit;
        _publicAddress = topology.Public.Address.Value;
        var publicAddress = _publicAddress;
        // A port that a virtual service listens on at the public address is never handed out.
        Table = new MasqueradeTable((protocol, port) => services.TryGet(new ServiceKey((IpProtocol)protocol, InetAddress.FromIpv4(publicAddress), port), out _));
    }

    public MasqueradeTable Table { get; }

    /// <summary>From an inside host: masquerade it if it comes from a masqueraded network and leaves by the public side.</summary>
    public FrameOutcome FromInside(in FrameContext context, ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        if (!IsMasqueraded(fields.Source) || _topology.IsOwnAddress(fields.Destination) || !IsMasqueradable(fields) ||
            !_neighbors.TryRoute(fields.Destination, out var nextHop, out var outInterface) ||
            _topology.Interfaces[outInterface].Role != InterfaceRole.Public)
        {
            return FrameOutcome.NotOurs;
        }
        if (fields.Ttl <= 1)
        {
            return FrameOutcome.DroppedTtlExceeded;
        }
        var slot = Table.FindOrAddOutgoing(fields.Protocol, fields.Source, fields.SourcePort, fields.Destination, RemotePort(fields, fields.DestinationPort), context.Now);
        if (slot < 0)
        {
            return FrameOutcome.DroppedMasqueradeFull;
        }
        var outcome = _transmit.Outgoing(context, frame, fields, outInterface, nextHop, _publicAddress, Table[slot].PublicPort);
        if (outcome != FrameOutcome.DroppedOutputFull)
        {
            Table.Touch(slot, reply: false, fields.TcpFlags, context.Now);
        }
        return outcome;
    }

    /// <summary>To the director's public address: a reply to a masqueraded flow goes back to its inside host.</summary>
    public FrameOutcome FromOutside(in FrameContext context, ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        if (fields.Destination != _publicAddress || !IsMasqueradable(fields))
        {
            return FrameOutcome.NotOurs;
        }
        var slot = Table.FindIncoming(fields.Protocol, fields.Source, RemotePort(fields, fields.SourcePort), fields.DestinationPort, context.Now);
        if (slot < 0)
        {
            return FrameOutcome.NotOurs;
        }
        if (fields.Ttl <= 1)
        {
            return FrameOutcome.DroppedTtlExceeded;
        }
        ref var entry = ref Table[slot];
        if (!_neighbors.TryRoute(entry.InsideAddress, out var nextHop, out var outInterface))
        {
            return FrameOutcome.DroppedNoRoute;
        }
        var outcome = _transmit.Incoming(context, frame, fields, outInterface, nextHop, entry.InsideAddress, entry.InsidePort);
        if (outcome != FrameOutcome.DroppedOutputFull)
        {
            Table.Touch(slot, reply: true, fields.TcpFlags, context.Now);
        }
        return outcome;
    }

    /// <summary>An echo's identifier is rewritten on the way out, so the remote side of an ICMP flow has no port of its own.</summary>
    private static ushort RemotePort(in PacketFields fields, ushort port) => fields.Protocol == FrameLayout.ProtocolIcmp ? (ushort)0 : port;

    private static bool IsMasqueradable(in PacketFields fields) =>
        fields.Protocol is FrameLayout.ProtocolTcp or FrameLayout.ProtocolUdp ||
        (fields.Protocol == FrameLayout.ProtocolIcmp && fields.IcmpType is IcmpLayout.EchoRequest or IcmpLayout.EchoReply);

    private bool IsMasqueraded(uint address)
    {
        foreach (var (network, prefixLength) in _topology.MasqueradedNetworks)
        {
            if (new Ipv4Address(address).IsInSubnet(network, prefixLength))
            {
                return true;
            }
        }
        return false;
    }
}
