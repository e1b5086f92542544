using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Icmp;

/// <summary>
/// What the director answers itself in IPv6 on the public link, as ARP and echo for IPv4: Neighbour Solicitations for
/// its virtual addresses (so clients and routers find the VIP's MAC; a solicitation reaches it at the solicited-node
/// multicast group's MAC, 33:33:ff:xx:xx:xx, or unicast when a neighbour re-checks), and echo requests to them. Every
/// other IPv6 frame is not ours yet (the engine does not forward IPv6).
/// </summary>
public sealed class Icmpv6Responder
{
    private const byte ReplyHopLimit = 64;

    private readonly DirectorTopology _topology;
    private readonly ServiceTable _services;

    public Icmpv6Responder(DirectorTopology topology, ServiceTable services)
    {
        _topology = topology;
        _services = services;
    }

    /// <summary>An ICMPv6 message the engine has parsed (<paramref name="fields"/>, not a fragment).</summary>
    public FrameOutcome Handle(in FrameContext context, ReadOnlySpan<byte> frame, in PacketFields fields, int interfaceIndex)
    {
        var link = _topology.Interfaces[interfaceIndex];
        var destinationMac = MacAddress.Read(frame);
        var multicast = ((destinationMac.Value >> 40) & 1) != 0;
        if (link.Role != InterfaceRole.Public || (destinationMac != link.Mac && !multicast))
        {
            return FrameOutcome.NotOursIpv6;
        }
        if (fields.IcmpType == Icmpv6Messages.NeighborSolicitation &&
            Icmpv6Messages.TryReadSolicitation(frame, fields, out var target, out var sourceMac) && _services.HasVirtualAddress(target))
        {
            var advertisement = context.Output.Add(interfaceIndex, Icmpv6Messages.AdvertisementFrameLength);
            if (advertisement.IsEmpty)
            {
                return FrameOutcome.DroppedOutputFull;
            }
            Icmpv6Messages.WriteAdvertisement(advertisement, sourceMac ?? MacAddress.Read(frame[FrameLayout.EthernetSource..]), link.Mac, target, fields.SourceAddress);
            return FrameOutcome.Answered;
        }
        if (fields.IcmpType == Icmpv6Messages.EchoRequest && !multicast && _services.HasVirtualAddress(fields.DestinationAddress) &&
            Icmpv6Messages.Checksum(fields.SourceAddress, fields.DestinationAddress, frame[fields.TransportOffset..(FrameLayout.EthernetHeaderLength + fields.TotalLength)]) == 0)
        {
            var reply = context.Output.Add(interfaceIndex, Icmpv6Messages.EchoReplyFrameLength(fields));
            if (reply.IsEmpty)
            {
                return FrameOutcome.DroppedOutputFull;
            }
            Icmpv6Messages.WriteEchoReply(reply, frame, fields, link.Mac, ReplyHopLimit);
            return FrameOutcome.Answered;
        }
        return FrameOutcome.NotOursIpv6;
    }
}
