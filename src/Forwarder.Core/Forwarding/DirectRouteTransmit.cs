using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Forwarding;

/// <summary>
/// Direct routing (-g), as <c>ip_vs_dr_xmit</c>: the packet is sent unchanged to the real server's MAC, which
/// holds the virtual address itself and answers the client directly; so only the Ethernet header is new. ICMP
/// errors about the connection go the same way, unchanged.
/// </summary>
public sealed class DirectRouteTransmit : PacketTransmit
{
    public DirectRouteTransmit(EthernetTransmitter link, NeighborTable neighbors)
        : base(link, neighbors)
    {
    }

    public override FrameOutcome ToServer(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields) =>
        Unchanged(context, ref connection, frame);

    public override FrameOutcome RelayIcmpToServer(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame, in PacketFields fields, in QuotedPacket quoted) =>
        Unchanged(context, ref connection, frame);

    private FrameOutcome Unchanged(in FrameContext context, ref Connection connection, ReadOnlySpan<byte> frame)
    {
        var hop = TowardServer(ref connection);
        var sent = Link.ReserveCopyOf(context, hop, frame);
        return sent.IsEmpty ? FrameOutcome.DroppedOutputFull : Link.Send(context, hop, sent);
    }
}
