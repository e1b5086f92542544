using System.Buffers.Binary;
using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Forwarding;

/// <summary>
/// IP-in-IP tunnelling (-i), as <c>ip_vs_tunnel_xmit</c>: the client's IPv4 packet, untouched, inside a new
/// IPv4 header (protocol 4) from the director's address on the outgoing link to the real server. The outer
/// header copies the inner TOS, DF bit and TTL (as ip_vs_prepare_tunneled_skb). A result above the link MTU is split
/// into outer fragments unless DF forbids it, in which case the client is told the MTU to use. ICMP errors from
/// the client's side are not tunnelled (the real server answers the client itself).
/// </summary>
public sealed class TunnelTransmit : PacketTransmit
{
    public const int OuterHeaderLength = FrameLayout.Ipv4MinimumHeaderLength;

    private readonly DirectorTopology _topology;
    private readonly Ipv4Identification _identification;
    private readonly LocalAnswerTransmit _answers;

    public TunnelTransmit(EthernetTransmitter link, NeighborTable neighbors, DirectorTopology topology, Ipv4Identification identification, LocalAnswerTransmit answers)
        : base(link, neighbors)
    {
        _topology = topology;
        _identification = identification;
        _answers = answers;
    }

    /// <summary>Encapsulates; when the result needs fragmenting but the client set DF, answers "fragmentation needed".</summary>
    public override FrameOutcome ToServer(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        var link = _topology.Interfaces[connection.ServerInterface];
        var inner = frame.Slice(FrameLayout.EthernetHeaderLength, fields.TotalLength);
        var fragments = FragmentCount(inner.Length, link.Mtu);
        var dontFragment = (BinaryPrimitives.ReadUInt16BigEndian(inner[FrameLayout.Ipv4FlagsAndFragment..]) & FrameLayout.Ipv4DontFragment) != 0;
        if (fragments > 1 && dontFragment)
        {
            _answers.SendFragmentationNeeded(context, inner, InnerMtu(link.Mtu));
            return FrameOutcome.DroppedTooBig;
        }
        var identification = _identification.Next();
        var hop = TowardServer(ref connection);
        var outcome = FrameOutcome.Forwarded;
        for (var index = 0; index < fragments && outcome is FrameOutcome.Forwarded or FrameOutcome.Queued; index++)
        {
            var sent = Link.Reserve(context, hop, FragmentFrameLength(inner.Length, link.Mtu, index));
            if (sent.IsEmpty)
            {
                return FrameOutcome.DroppedOutputFull;
            }
            WriteFragment(sent, inner, link.Mtu, index, link.Address.Value, connection.DestinationAddress.Ipv4Value, identification);
            outcome = Link.Send(context, hop, sent);
        }
        return outcome;
    }

    public override FrameOutcome RelayIcmpToServer(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields, in QuotedPacket quoted) =>
        FrameOutcome.NotOurs;

    /// <summary>The largest inner packet the link carries without fragmenting the outer one.</summary>
    public static int InnerMtu(int linkMtu) => linkMtu - OuterHeaderLength;

    /// <summary>How many outer fragments an inner packet of <paramref name="innerLength"/> bytes needs on this link.</summary>
    public static int FragmentCount(int innerLength, int linkMtu)
    {
        var perFragment = FragmentPayload(linkMtu);
        return innerLength + OuterHeaderLength <= linkMtu ? 1 : (innerLength + perFragment - 1) / perFragment;
    }

    /// <summary>The length of outer fragment <paramref name="index"/>'s frame (Ethernet header included).</summary>
    public static int FragmentFrameLength(int innerLength, int linkMtu, int index)
    {
        var count = FragmentCount(innerLength, linkMtu);
        if (count == 1)
        {
            return FrameLayout.EthernetHeaderLength + OuterHeaderLength + innerLength;
        }
        var perFragment = FragmentPayload(linkMtu);
        var payload = index < count - 1 ? perFragment : innerLength - (perFragment * (count - 1));
        return FrameLayout.EthernetHeaderLength + OuterHeaderLength + payload;
    }

    /// <summary>
    /// Writes outer fragment <paramref name="index"/> (the whole packet when it fits) of the encapsulation of
    /// <paramref name="inner"/>, from its IPv4 header on (the Ethernet header is the transmitter's).
    /// </summary>
    public static void WriteFragment(Span<byte> frame, ReadOnlySpan<byte> inner, int linkMtu, int index, uint source, uint destination, ushort identification)
    {
        var count = FragmentCount(inner.Length, linkMtu);
        var perFragment = FragmentPayload(linkMtu);
        var offset = count == 1 ? 0 : index * perFragment;
        var payload = count == 1 ? inner : inner.Slice(offset, Math.Min(perFragment, inner.Length - offset));
        var innerFlags = BinaryPrimitives.ReadUInt16BigEndian(inner[FrameLayout.Ipv4FlagsAndFragment..]);
        var flags = (ushort)((innerFlags & FrameLayout.Ipv4DontFragment) | (offset / 8));
        if (index < count - 1)
        {
            flags |= FrameLayout.Ipv4MoreFragments;
        }
        Ipv4HeaderWriter.WriteHeader(frame[FrameLayout.EthernetHeaderLength..], inner[FrameLayout.Ipv4Tos], OuterHeaderLength + payload.Length,
            identification, flags, inner[FrameLayout.Ipv4Ttl], FrameLayout.ProtocolIpInIp, source, destination);
        payload.CopyTo(frame[(FrameLayout.EthernetHeaderLength + OuterHeaderLength)..]);
    }

    private static int FragmentPayload(int linkMtu) => (linkMtu - OuterHeaderLength) & ~7;
}
