using System.Buffers.Binary;
using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Forwarding;

/// <summary>
/// What the director sends as itself rather than on a connection's behalf: ARP and ICMP echo replies, and its own
/// ICMP errors (fragmentation needed, port unreachable, time exceeded), each routed, addressed once, and sent as
/// the forwarding methods send theirs.
/// </summary>
public sealed class LocalAnswerTransmit
{
    private readonly DirectorTopology _topology;
    private readonly EthernetTransmitter _link;
    private readonly NeighborTable _neighbors;
    private readonly Ipv4Identification _identification;

    public LocalAnswerTransmit(DirectorTopology topology, EthernetTransmitter link, NeighborTable neighbors, Ipv4Identification identification)
    {
        _topology = topology;
        _link = link;
        _neighbors = neighbors;
        _identification = identification;
    }

    /// <summary>An ARP reply for <paramref name="targetAddress"/> to the host that asked (ARP frames carry their own Ethernet header).</summary>
    public FrameOutcome AnswerArp(in FrameContext context, int interfaceIndex, MacAddress senderMac, uint senderAddress, uint targetAddress)
    {
        var reply = context.Output.Add(interfaceIndex, ArpFrames.FrameLength);
        if (reply.IsEmpty)
        {
            return FrameOutcome.DroppedOutputFull;
        }
        ArpFrames.Write(reply, FrameLayout.ArpReply, senderMac, _link.MacOf(interfaceIndex), targetAddress, senderMac, senderAddress);
        return FrameOutcome.Answered;
    }

    /// <summary>As Linux's icmp_echo: the reply goes back out of the interface the request came in by, to the MAC it came from.</summary>
    public FrameOutcome AnswerEcho(in FrameContext context, ReadOnlySpan<byte> frame, in PacketFields fields, int interfaceIndex)
    {
        var hop = _link.Resolve(interfaceIndex, fields.Source, MacAddress.Read(frame[FrameLayout.EthernetSource..]));
        var reply = _link.Reserve(context, hop, FrameLayout.EthernetHeaderLength + FrameLayout.Ipv4MinimumHeaderLength + fields.TotalLength - fields.IpHeaderLength);
        if (reply.IsEmpty)
        {
            return FrameOutcome.DroppedOutputFull;
        }
        // The fixed part of the request's IP header (the reply keeps its TOS), then its ICMP message.
        frame[FrameLayout.EthernetHeaderLength..(FrameLayout.EthernetHeaderLength + FrameLayout.Ipv4MinimumHeaderLength)].CopyTo(reply[FrameLayout.EthernetHeaderLength..]);
        var icmpLength = fields.TotalLength - fields.IpHeaderLength;
        frame.Slice(fields.TransportOffset, icmpLength).CopyTo(reply[(FrameLayout.EthernetHeaderLength + FrameLayout.Ipv4MinimumHeaderLength)..]);
        var replyFields = fields;
        replyFields.IpHeaderLength = FrameLayout.Ipv4MinimumHeaderLength;
        replyFields.TransportOffset = FrameLayout.EthernetHeaderLength + FrameLayout.Ipv4MinimumHeaderLength;
        replyFields.TotalLength = FrameLayout.Ipv4MinimumHeaderLength + icmpLength;
        IcmpMessages.TurnIntoEchoReply(reply, replyFields, _identification.Next());
        var outcome = _link.Send(context, hop, reply);
        return outcome == FrameOutcome.Forwarded ? FrameOutcome.Answered : outcome;
    }

    /// <summary>
    /// Tells the client that a packet it sent with DF set is too big for the tunnel (RFC 1191), from the address it sent
    /// to. The quote shows the TTL one lower: the kernel's decrement_ttl has run before the MTU is checked.
    /// </summary>
    public void SendFragmentationNeeded(in FrameContext context, ReadOnlySpan<byte> offendingIp, int nextHopMtu)
    {
        var source = BinaryPrimitives.ReadUInt32BigEndian(offendingIp[FrameLayout.Ipv4Source..]);
        var destination = BinaryPrimitives.ReadUInt32BigEndian(offendingIp[FrameLayout.Ipv4Destination..]);
        Span<byte> quote = stackalloc byte[FrameLayout.EthernetHeaderLength + Math.Min(offendingIp.Length, IcmpLayout.MaximumQuote)];
        offendingIp[..(quote.Length - FrameLayout.EthernetHeaderLength)].CopyTo(quote[FrameLayout.EthernetHeaderLength..]);
        HeaderRewriter.DecrementTtl(quote);
        SendError(context, IcmpLayout.DestinationUnreachable, IcmpLayout.FragmentationNeeded, (uint)nextHopMtu, quote[FrameLayout.EthernetHeaderLength..],
            destination, source);
    }

    /// <summary>
    /// As ip_vs_leave when a service has no usable real server: the client is told "port unreachable" (for
    /// TCP as for UDP, since no socket exists to reset), from the virtual address it tried.
    /// </summary>
    public void SendPortUnreachable(in FrameContext context, ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        var offending = frame.Slice(FrameLayout.EthernetHeaderLength, fields.TotalLength);
        if (fields.IsIpv6)
        {
            // As ip_vs_leave for AF_INET6: ICMPv6 destination unreachable, port unreachable.
            SendIpv6Error(context, Icmpv6Messages.DestinationUnreachable, Icmpv6Messages.PortUnreachable, offending, fields.DestinationAddress, fields.SourceAddress);
            return;
        }
        SendError(context, IcmpLayout.DestinationUnreachable, IcmpLayout.PortUnreachable, 0, offending, fields.Destination, fields.Source);
    }

    /// <summary>
    /// As the kernel's decrement_ttl when a client's packet reaches IPVS with TTL (hop limit) 1: the client is told
    /// "time exceeded", from the virtual address it sent to (local to the kernel's IPVS, so icmp_send answers from it).
    /// </summary>
    public void SendTimeExceededFromVirtualAddress(in FrameContext context, ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        var offending = frame.Slice(FrameLayout.EthernetHeaderLength, fields.TotalLength);
        if (fields.IsIpv6)
        {
            SendIpv6Error(context, Icmpv6Messages.TimeExceeded, 0, offending, fields.DestinationAddress, fields.SourceAddress);
            return;
        }
        SendError(context, IcmpLayout.TimeExceeded, 0, 0, offending, fields.Destination, fields.Source);
    }

    /// <summary>As a router does when a forwarded packet's TTL runs out: tell its sender, from our address on its link.</summary>
    public void SendTimeExceeded(in FrameContext context, ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        var offending = frame.Slice(FrameLayout.EthernetHeaderLength, fields.TotalLength);
        if (fields.IsIpv6)
        {
            // As ip6_forward: ICMPv6 time exceeded (hop limit), from our address on the link toward the sender.
            if (_neighbors.TryRoute(fields.SourceAddress, out _, out var toward))
            {
                SendIpv6Error(context, Icmpv6Messages.TimeExceeded, 0, offending, _topology.Interfaces[toward].Ipv6SourceFor(fields.SourceAddress), fields.SourceAddress);
            }
            return;
        }
        var link = _topology.FindOnLinkInterface(fields.Source);
        if (link is not null)
        {
            SendError(context, IcmpLayout.TimeExceeded, 0, 0, offending, link.Address.Value, fields.Source);
        }
    }

    /// <summary>The director's IPv6 address on the link toward <paramref name="destination"/> (the source of its own errors to it).</summary>
    public InetAddress Ipv6SourceToward(InetAddress destination) =>
        _neighbors.TryRoute(destination, out _, out var toward) ? _topology.Interfaces[toward].Ipv6SourceFor(destination) : InetAddress.Ipv6Any;

    /// <summary>
    /// Whether an IPv6 packet is too big for the link it would leave by (<paramref name="interfaceIndex"/>'s MTU):
    /// IPv6 is never fragmented on the way, so, as the kernel's __mtu_check_toobig_v6 and ip6_forward, its sender is
    /// told the MTU with ICMPv6 packet too big from <paramref name="source"/>, and the caller drops it.
    /// </summary>
    public bool RefusedAsTooBig(in FrameContext context, ReadOnlySpan<byte> frame, in PacketFields fields, int interfaceIndex, InetAddress source)
    {
        var mtu = _topology.Interfaces[interfaceIndex].Mtu;
        // A GRO-merged segment (a partial checksum) leaves cut to this MTU (SegmentationOffload), as the kernel's GSO cuts it.
        if (fields.TotalLength <= mtu || fields.ChecksumPartial)
        {
            return false;
        }
        SendIpv6Error(context, Icmpv6Messages.PacketTooBig, 0, frame.Slice(FrameLayout.EthernetHeaderLength, fields.TotalLength), source, fields.SourceAddress, (uint)mtu);
        return true;
    }

    /// <summary>
    /// An ICMPv6 error about <paramref name="offendingIp"/> from <paramref name="source"/> to <paramref name="destination"/>
    /// (its sender), as icmp6_send: routed, quoting as much as fits the IPv6 minimum MTU, the default hop limit 64.
    /// </summary>
    public void SendIpv6Error(in FrameContext context, byte type, byte code, ReadOnlySpan<byte> offendingIp, InetAddress source, InetAddress destination, uint parameter = 0)
    {
        if (!_neighbors.TryRoute(destination, out var nextHop, out var interfaceIndex))
        {
            return;
        }
        var hop = _link.Resolve(interfaceIndex, nextHop, MacAddress.Zero);
        var frame = _link.Reserve(context, hop, Icmpv6Messages.ErrorFrameLength(offendingIp));
        if (frame.IsEmpty)
        {
            return;
        }
        Icmpv6Messages.WriteError(frame, type, code, parameter, offendingIp, source, destination, Ipv4HeaderWriter.DefaultTtl);
        _link.Send(context, hop, frame);
    }

    private void SendError(in FrameContext context, byte type, byte code, uint restOfHeader, ReadOnlySpan<byte> offendingIp, uint source, uint destination)
    {
        if (!_neighbors.TryRoute(destination, out var nextHop, out var interfaceIndex))
        {
            return;
        }
        var hop = _link.Resolve(interfaceIndex, nextHop, MacAddress.Zero);
        var frame = _link.Reserve(context, hop, IcmpMessages.ErrorFrameLength(offendingIp));
        if (frame.IsEmpty)
        {
            return;
        }
        IcmpMessages.WriteError(frame, type, code, restOfHeader, offendingIp, source, destination, _identification.Next());
        _link.Send(context, hop, frame);
    }
}
