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
/// find their way back. TCP, UDP and ICMP echo (by its identifier). IPv6 networks (<c>masquerade 2001:db8:139::/64</c>)
/// leave from the public interface's IPv6 address the same way, TCP and UDP, with the same port range and timeouts.
/// This decides and keeps the table; the rewrite and the way out are <see cref="MasqueradeTransmit"/>'s.
/// </summary>
public sealed class Masquerader
{
    private readonly DirectorTopology _topology;
    private readonly NeighborTable _neighbors;
    private readonly MasqueradeTransmit _transmit;
    private readonly uint _publicAddress;
    private readonly InetAddress? _publicAddress6;

    public Masquerader(DirectorTopology topology, ServiceTable services, NeighborTable neighbors, MasqueradeTransmit transmit)
    {
        _topology = topology;
        _neighbors = neighbors;
        _transmit = transmit;
        _publicAddress = topology.Public.Address.Value;
        _publicAddress6 = topology.Public.Ipv6Address;
        var publicAddress = _publicAddress;
        var publicAddress6 = _publicAddress6;
        // A port that a virtual service listens on at a public address (either family's) is never handed out.
        Table = new MasqueradeTable((protocol, port) => services.TryGet(new ServiceKey((IpProtocol)protocol, InetAddress.FromIpv4(publicAddress), port), out _) ||
            (publicAddress6 is { } v6 && services.TryGet(new ServiceKey((IpProtocol)protocol, v6, port), out _)));
    }

    public MasqueradeTable Table { get; }

    /// <summary>From an inside host: masquerade it if it comes from a masqueraded network and leaves by the public side.</summary>
    public FrameOutcome FromInside(in FrameContext context, ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        if (fields.IsIpv6)
        {
            return FromInsideIpv6(context, frame, fields);
        }
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
        var slot = Table.FindOrAddOutgoing(fields.Protocol, fields.SourceAddress, fields.SourcePort, fields.DestinationAddress, RemotePort(fields, fields.DestinationPort), context.Now);
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
        if (fields.IsIpv6 ? fields.DestinationAddress != _publicAddress6 : fields.Destination != _publicAddress)
        {
            return FrameOutcome.NotOurs;
        }
        if (!IsMasqueradable(fields))
        {
            return FrameOutcome.NotOurs;
        }
        var slot = Table.FindIncoming(fields.Protocol, fields.SourceAddress, RemotePort(fields, fields.SourcePort), fields.DestinationPort, context.Now);
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

    private FrameOutcome FromInsideIpv6(in FrameContext context, ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        if (_publicAddress6 is not { } publicAddress || !IsMasqueraded6(fields.SourceAddress) || _topology.IsOwnAddress(fields.DestinationAddress) ||
            fields.Protocol is not (FrameLayout.ProtocolTcp or FrameLayout.ProtocolUdp) ||
            !_neighbors.TryRoute(fields.DestinationAddress, out var nextHop, out var outInterface) ||
            _topology.Interfaces[outInterface].Role != InterfaceRole.Public)
        {
            return FrameOutcome.NotOurs;
        }
        if (fields.Ttl <= 1)
        {
            return FrameOutcome.DroppedTtlExceeded;
        }
        var slot = Table.FindOrAddOutgoing(fields.Protocol, fields.SourceAddress, fields.SourcePort, fields.DestinationAddress, fields.DestinationPort, context.Now);
        if (slot < 0)
        {
            return FrameOutcome.DroppedMasqueradeFull;
        }
        var outcome = _transmit.Outgoing(context, frame, fields, outInterface, nextHop, publicAddress, Table[slot].PublicPort);
        if (outcome != FrameOutcome.DroppedOutputFull)
        {
            Table.Touch(slot, reply: false, fields.TcpFlags, context.Now);
        }
        return outcome;
    }

    private bool IsMasqueraded6(InetAddress address)
    {
        foreach (var (network, prefixLength) in _topology.MasqueradedNetworks6)
        {
            if (address.IsInPrefix(network, prefixLength))
            {
                return true;
            }
        }
        return false;
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
