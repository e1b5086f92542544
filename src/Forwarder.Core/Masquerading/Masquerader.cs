using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Topology;

namespace Forwarder.Core.Masquerading;

/// <summary>
/// Masquerading for the networks the topology names (<c>masquerade 192.168.139.0/24</c>): what their hosts
/// send out that belongs to no virtual service leaves from the director's public address, and the replies
/// find their way back. TCP, UDP and ICMP echo (by its identifier). Both ways are routed: TTL drops by one.
/// </summary>
public sealed class Masquerader
{
    private readonly DirectorTopology _topology;
    private readonly FrameTransmitter _transmitter;
    private readonly uint _publicAddress;

    public Masquerader(DirectorTopology topology, ServiceTable services, FrameTransmitter transmitter)
    {
        _topology = topology;
        _transmitter = transmitter;
        _publicAddress = topology.Public.Address.Value;
        var publicAddress = _publicAddress;
        // A port that a virtual service listens on at the public address is never handed out.
        Table = new MasqueradeTable((protocol, port) => services.TryGet(new ServiceKey((IpProtocol)protocol, publicAddress, port), out _));
    }

    public MasqueradeTable Table { get; }

    /// <summary>From an inside host: masquerade it if it comes from a masqueraded network and leaves by the public side.</summary>
    public FrameOutcome FromInside(ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        if (!IsMasqueraded(fields.Source) || _topology.IsOwnAddress(fields.Destination) || !IsMasqueradable(fields) ||
            !_transmitter.Neighbors.TryRoute(fields.Destination, out var nextHop, out var outInterface) ||
            _topology.Interfaces[outInterface].Role != InterfaceRole.Public)
        {
            return FrameOutcome.NotOurs;
        }
        if (fields.Ttl <= 1)
        {
            return FrameOutcome.DroppedTtlExceeded;
        }
        var slot = Table.FindOrAddOutgoing(fields.Protocol, fields.Source, fields.SourcePort, fields.Destination, RemotePort(fields, fields.DestinationPort), _transmitter.Now);
        if (slot < 0)
        {
            return FrameOutcome.DroppedMasqueradeFull;
        }
        var sent = _transmitter.ReserveCopyOf(outInterface, frame);
        if (sent.IsEmpty)
        {
            return FrameOutcome.DroppedOutputFull;
        }
        var publicPort = Table[slot].PublicPort;
        if (fields.Protocol == FrameLayout.ProtocolIcmp)
        {
            HeaderRewriter.SetSourceAndIcmpIdentifier(sent, fields, _publicAddress, publicPort);
        }
        else
        {
            HeaderRewriter.SetSource(sent, fields, _publicAddress, publicPort);
        }
        HeaderRewriter.DecrementTtl(sent);
        Table.Touch(slot, reply: false, fields.TcpFlags, _transmitter.Now);
        return _transmitter.Send(sent, outInterface, nextHop, MacAddress.Zero);
    }

    /// <summary>To the director's public address: a reply to a masqueraded flow goes back to its inside host.</summary>
    public FrameOutcome FromOutside(ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        if (fields.Destination != _publicAddress || !IsMasqueradable(fields))
        {
            return FrameOutcome.NotOurs;
        }
        var slot = Table.FindIncoming(fields.Protocol, fields.Source, RemotePort(fields, fields.SourcePort), fields.DestinationPort, _transmitter.Now);
        if (slot < 0)
        {
            return FrameOutcome.NotOurs;
        }
        if (fields.Ttl <= 1)
        {
            return FrameOutcome.DroppedTtlExceeded;
        }
        ref var entry = ref Table[slot];
        if (!_transmitter.Neighbors.TryRoute(entry.InsideAddress, out var nextHop, out var outInterface))
        {
            return FrameOutcome.DroppedNoRoute;
        }
        var sent = _transmitter.ReserveCopyOf(outInterface, frame);
        if (sent.IsEmpty)
        {
            return FrameOutcome.DroppedOutputFull;
        }
        if (fields.Protocol == FrameLayout.ProtocolIcmp)
        {
            HeaderRewriter.SetDestinationAndIcmpIdentifier(sent, fields, entry.InsideAddress, entry.InsidePort);
        }
        else
        {
            HeaderRewriter.SetDestination(sent, fields, entry.InsideAddress, entry.InsidePort);
        }
        HeaderRewriter.DecrementTtl(sent);
        Table.Touch(slot, reply: true, fields.TcpFlags, _transmitter.Now);
        return _transmitter.Send(sent, outInterface, nextHop, MacAddress.Zero);
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
