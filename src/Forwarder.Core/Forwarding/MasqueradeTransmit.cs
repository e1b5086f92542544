using Forwarder.Core.Frames;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Forwarding;

/// <summary>
/// Masquerading of the inside networks (the kernel's MASQUERADE target, not an IPVS method): an inside host's
/// packet leaves from the director's public address and port, the reply goes back to the inside host. Both
/// ways are routed: TTL (IPv6: hop limit) drops by one. TCP and UDP by port, ICMP echo by its identifier.
/// </summary>
public sealed class MasqueradeTransmit
{
    private readonly EthernetTransmitter _link;

    public MasqueradeTransmit(EthernetTransmitter link)
    {
        _link = link;
    }

    /// <summary>Out to the remote host, from <paramref name="publicAddress"/>:<paramref name="publicPort"/>.</summary>
    public FrameOutcome Outgoing(in FrameContext context, ReadOnlySpan<byte> frame, in PacketFields fields, int outInterface, InetAddress nextHop, InetAddress publicAddress, ushort publicPort)
    {
        var hop = _link.Resolve(outInterface, nextHop, MacAddress.Zero);
        var sent = _link.ReserveCopyOf(context, hop, frame);
        if (sent.IsEmpty)
        {
            return FrameOutcome.DroppedOutputFull;
        }
        if (fields.IsIpv6)
        {
            Ipv6HeaderRewriter.SetSource(sent, fields, publicAddress, publicPort);
            Ipv6HeaderRewriter.DecrementHopLimit(sent);
            return _link.Send(context, hop, sent);
        }
        if (fields.Protocol == FrameLayout.ProtocolIcmp)
        {
            HeaderRewriter.SetSourceAndIcmpIdentifier(sent, fields, publicAddress.Ipv4Value, publicPort);
        }
        else
        {
            HeaderRewriter.SetSource(sent, fields, publicAddress.Ipv4Value, publicPort);
        }
        HeaderRewriter.DecrementTtl(sent);
        return _link.Send(context, hop, sent);
    }

    /// <summary>Back in to the inside host, <paramref name="insideAddress"/>:<paramref name="insidePort"/>.</summary>
    public FrameOutcome Incoming(in FrameContext context, ReadOnlySpan<byte> frame, in PacketFields fields, int outInterface, InetAddress nextHop, InetAddress insideAddress, ushort insidePort)
    {
        var hop = _link.Resolve(outInterface, nextHop, MacAddress.Zero);
        var sent = _link.ReserveCopyOf(context, hop, frame);
        if (sent.IsEmpty)
        {
            return FrameOutcome.DroppedOutputFull;
        }
        if (fields.IsIpv6)
        {
            Ipv6HeaderRewriter.SetDestination(sent, fields, insideAddress, insidePort);
            Ipv6HeaderRewriter.DecrementHopLimit(sent);
            return _link.Send(context, hop, sent);
        }
        if (fields.Protocol == FrameLayout.ProtocolIcmp)
        {
            HeaderRewriter.SetDestinationAndIcmpIdentifier(sent, fields, insideAddress.Ipv4Value, insidePort);
        }
        else
        {
            HeaderRewriter.SetDestination(sent, fields, insideAddress.Ipv4Value, insidePort);
        }
        HeaderRewriter.DecrementTtl(sent);
        return _link.Send(context, hop, sent);
    }
}
