using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Ownership;
using Forwarder.Core.Services;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Icmp;

/// <summary>
/// The director's Neighbour Discovery and echo in IPv6, as ARP and ICMP echo for IPv4: it answers Neighbour
/// Solicitations for its virtual addresses on the public link (so clients and routers find the VIP's MAC; a
/// solicitation reaches it at the solicited-node group's MAC, 33:33:ff:xx:xx:xx, or unicast when a neighbour
/// re-checks) and for its own interface addresses on their links (so real servers find their gateway), and echo
/// requests to them; and tells the neighbour table what each message says, as ndisc_recv_ns and ndisc_recv_na: a
/// solicitation for us teaches its sender (STALE), an advertisement updates the entry it names (REACHABLE when
/// solicited), which releases frames waiting for it.
/// </summary>
public sealed class Icmpv6Responder
{
    private const byte ReplyHopLimit = 64;

    private readonly DirectorTopology _topology;
    private readonly ServiceTable _services;
    private readonly NeighborTable? _neighbors;
    private readonly bool _answerForOwnAddresses;
    private readonly VirtualAddressOwnership? _ownership;

    /// <param name="answerForOwnAddresses">Whether to answer for the interfaces' own addresses too (the engine's setting of that name).</param>
    /// <param name="ownership">Which virtual addresses the director owns now (a VRRP backup answers for none); all when null.</param>
    public Icmpv6Responder(DirectorTopology topology, ServiceTable services, NeighborTable? neighbors = null, bool answerForOwnAddresses = true,
        VirtualAddressOwnership? ownership = null)
    {
        _topology = topology;
        _services = services;
        _neighbors = neighbors;
        _answerForOwnAddresses = answerForOwnAddresses;
        _ownership = ownership;
    }

    /// <summary>An ICMPv6 message the engine has parsed (<paramref name="fields"/>, not a fragment).</summary>
    public FrameOutcome Handle(in FrameContext context, ReadOnlySpan<byte> frame, in PacketFields fields, int interfaceIndex)
    {
        var link = _topology.Interfaces[interfaceIndex];
        var destinationMac = MacAddress.Read(frame);
        var multicast = ((destinationMac.Value >> 40) & 1) != 0;
        if (destinationMac != link.Mac && !multicast)
        {
            return FrameOutcome.NotOursIpv6;
        }
        switch (fields.IcmpType)
        {
            case Icmpv6Messages.NeighborSolicitation:
                return Solicitation(context, frame, fields, link);
            case Icmpv6Messages.NeighborAdvertisement:
                return Advertisement(context, frame, fields, link);
            case Icmpv6Messages.EchoRequest when !multicast && IsAnsweredFor(fields.DestinationAddress, link) &&
                Icmpv6Messages.Checksum(fields.SourceAddress, fields.DestinationAddress, frame[fields.TransportOffset..(FrameLayout.EthernetHeaderLength + fields.TotalLength)]) == 0:
                var reply = context.Output.Add(link.Index, Icmpv6Messages.EchoReplyFrameLength(fields));
                if (reply.IsEmpty)
                {
                    return FrameOutcome.DroppedOutputFull;
                }
                Icmpv6Messages.WriteEchoReply(reply, frame, fields, link.Mac, ReplyHopLimit);
                return FrameOutcome.Answered;
            default:
                return FrameOutcome.NotOursIpv6;
        }
    }

    private FrameOutcome Solicitation(in FrameContext context, ReadOnlySpan<byte> frame, in PacketFields fields, DirectorInterface link)
    {
        if (!Icmpv6Messages.TryReadSolicitation(frame, fields, out var target, out var sourceMac))
        {
            return FrameOutcome.NotOursIpv6;
        }
        var own = link.Owns(target);
        if (!own && !IsVirtualAddressHere(target, link))
        {
            return FrameOutcome.NotOursIpv6;
        }
        // ndisc_recv_ns: a solicitation from a host (not duplicate address detection's ::) with its MAC teaches it.
        if (_neighbors is not null && sourceMac is { } mac && !InetAddressScopes.IsUnspecifiedOrLoopback(fields.SourceAddress))
        {
            _neighbors.OnArp(fields.SourceAddress, mac, link.Index, requestForUs: true, unicastReplyToUs: false, gratuitous: false, context.Now, context.Output);
        }
        if (own && !_answerForOwnAddresses)
        {
            return FrameOutcome.NotOursIpv6;
        }
        var advertisement = context.Output.Add(link.Index, Icmpv6Messages.AdvertisementFrameLength);
        if (advertisement.IsEmpty)
        {
            return FrameOutcome.DroppedOutputFull;
        }
        Icmpv6Messages.WriteAdvertisement(advertisement, sourceMac ?? MacAddress.Read(frame[FrameLayout.EthernetSource..]), link.Mac, target, fields.SourceAddress);
        return FrameOutcome.Answered;
    }

    private FrameOutcome Advertisement(in FrameContext context, ReadOnlySpan<byte> frame, in PacketFields fields, DirectorInterface link)
    {
        if (_neighbors is null || !Icmpv6Messages.TryReadAdvertisement(frame, fields, out var target, out var targetMac, out var solicited, out var overrideFlag) ||
            link.Owns(target))
        {
            return FrameOutcome.NotOursIpv6;
        }
        _neighbors.OnAdvertisement(target, targetMac, solicited, overrideFlag, context.Now, context.Output);
        return link.Owns(fields.DestinationAddress) ? FrameOutcome.Answered : FrameOutcome.NotOursIpv6;
    }

    /// <summary>
    /// A virtual address on the public link, where services are reached, or an address taken on this link (a NAT gateway
    /// on the private one), while the director owns it: as ARP's.
    /// </summary>
    private bool IsVirtualAddressHere(InetAddress address, DirectorInterface link) =>
        _ownership?.Answers(address, link.Index) ?? (link.Role == InterfaceRole.Public && _services.HasVirtualAddress(address));

    private bool IsAnsweredFor(InetAddress address, DirectorInterface link) =>
        IsVirtualAddressHere(address, link) || (_answerForOwnAddresses && _topology.IsOwnAddress(address));
}
