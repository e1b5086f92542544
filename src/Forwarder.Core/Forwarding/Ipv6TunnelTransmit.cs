using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Forwarding;

/// <summary>
/// Tunnelling (-i) to a real server with an IPv6 address, as <c>ip_vs_tunnel_xmit_v6</c>, which the kernel binds to a
/// connection by its destination's family: the client's packet, IPv6 (IPv6-in-IPv6, RFC 2473) or IPv4 (an IPv4
/// service's IPv6 server), inside an IPv6 header from the director's address on the outgoing link. The outer traffic
/// class and hop limit are the inner packet's. The link must leave an inner MTU of at least 1280 bytes after the outer
/// header, or the kernel refuses the route and drops the packet. An IPv6 packet too big for that MTU is answered with
/// Packet Too Big; an IPv4 one with DF with "fragmentation needed", and without DF it goes in outer IPv6 fragments.
/// The inner packet's hop limit (IPv4: TTL) drops by one before it is wrapped (Linux 6.1's decrement_ttl, seen in the
/// kernel oracle: inner and outer 63 for a client's 64), and one that would reach zero gets Time Exceeded from the VIP.
/// </summary>
public sealed class Ipv6TunnelTransmit : PacketTransmit
{
    private readonly DirectorTopology _topology;
    private readonly LocalAnswerTransmit _answers;
    private uint _fragmentIdentification;

    public Ipv6TunnelTransmit(EthernetTransmitter link, NeighborTable neighbors, DirectorTopology topology, LocalAnswerTransmit answers)
        : base(link, neighbors)
    {
        _topology = topology;
        _answers = answers;
    }

    /// <summary>The largest inner packet an outer IPv6 header leaves room for on a link of <paramref name="linkMtu"/>.</summary>
    public static int InnerMtu(int linkMtu) => linkMtu - TunnelEncapsulation.Ipv6OuterLength;

    public override FrameOutcome ToServer(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        var link = _topology.Interfaces[connection.ServerInterface];
        if (link.Ipv6Address is null)
        {
            return FrameOutcome.DroppedNoRoute;
        }
        if (fields.Ttl <= 1)
        {
            // decrement_ttl comes first in __ip_vs_get_out_rt_v6, before any MTU is looked at.
            _answers.SendTimeExceededFromVirtualAddress(context, frame, fields);
            return FrameOutcome.DroppedTtlExceeded;
        }
        var innerMtu = InnerMtu(link.Mtu);
        if (innerMtu < Icmpv6Errors.MinimumMtu)
        {
            // As __ip_vs_get_out_rt_v6 for a tunnel: "mtu less than 1280", the route refused, nothing told.
            return FrameOutcome.DroppedTooBig;
        }
        var inner = frame.Slice(FrameLayout.EthernetHeaderLength, fields.TotalLength);
        if (fields.IsIpv6)
        {
            if (inner.Length > innerMtu)
            {
                TunnelTransmit.SendPacketTooBig(_answers, context, inner, fields, innerMtu);
                return FrameOutcome.DroppedTooBig;
            }
        }
        else if (inner.Length > innerMtu && TunnelTransmit.HasDontFragment(inner))
        {
            _answers.SendFragmentationNeeded(context, inner, innerMtu);
            return FrameOutcome.DroppedTooBig;
        }
        var source = link.Ipv6SourceFor(connection.DestinationAddress);
        var fragments = TunnelEncapsulation.Ipv6FragmentCount(inner.Length, link.Mtu);
        var identification = fragments > 1 ? ++_fragmentIdentification : 0;
        var hop = TowardServer(ref connection);
        var outcome = FrameOutcome.Forwarded;
        for (var index = 0; index < fragments && outcome is FrameOutcome.Forwarded or FrameOutcome.Queued; index++)
        {
            var sent = Link.Reserve(context, hop, TunnelEncapsulation.Ipv6FragmentFrameLength(inner.Length, link.Mtu, index));
            if (sent.IsEmpty)
            {
                return FrameOutcome.DroppedOutputFull;
            }
            TunnelEncapsulation.WriteIpv6Fragment(sent, inner, link.Mtu, index, source, connection.DestinationAddress, identification);
            if (fields.IsIpv6)
            {
                // Only IPv6 goes whole (never fragmented): its hop limit, inner and outer, one less.
                sent[FrameLayout.EthernetHeaderLength + Ipv6Layout.HopLimit]--;
                sent[FrameLayout.EthernetHeaderLength + TunnelEncapsulation.Ipv6OuterLength + Ipv6Layout.HopLimit]--;
            }
            else
            {
                // IPv4 inside loses one TTL (decrement_ttl, before encapsulation), and the outer hop limit copies it.
                sent[FrameLayout.EthernetHeaderLength + Ipv6Layout.HopLimit]--;
                if (index == 0)
                {
                    var innerAt = fragments > 1 ? TunnelEncapsulation.Ipv6FragmentOverhead : TunnelEncapsulation.Ipv6OuterLength;
                    HeaderRewriter.DecrementTtl(sent[innerAt..]);
                }
            }
            outcome = Link.Send(context, hop, sent);
        }
        return outcome;
    }

    public override FrameOutcome RelayIcmpToServer(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields, in QuotedPacket quoted) =>
        FrameOutcome.NotOurs;
}
