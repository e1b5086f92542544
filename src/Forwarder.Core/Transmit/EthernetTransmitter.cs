using System.Runtime.CompilerServices;
using Forwarder.Core.Frames;

namespace Forwarder.Core.Transmit;

/// <summary>
/// The bottom of every forwarding method: room for a frame, and its one Ethernet header. A method resolves the
/// frame's <see cref="NextHop"/> first; with its MAC known the frame is built in the output batch and addressed
/// there (destination, the interface's own MAC as source, EtherType), once. With the MAC unknown it is built in
/// a scratch buffer, never in the batch, and handed to the <see cref="INextHopResolver"/> unaddressed, to be
/// addressed once when ARP answers (as the kernel's neighbour code queues an skb and fills in the hard header
/// when the entry resolves).
/// </summary>
public sealed class EthernetTransmitter
{
    private readonly MacAddress[] _interfaceMacs;
    private readonly INextHopResolver _resolver;
    private byte[] _scratch = new byte[2048];

    public EthernetTransmitter(IReadOnlyList<MacAddress> interfaceMacs, INextHopResolver resolver)
    {
        _interfaceMacs = interfaceMacs.ToArray();
        _resolver = resolver;
    }

    public MacAddress MacOf(int interfaceIndex) => _interfaceMacs[interfaceIndex];

    /// <summary>The next hop out of <paramref name="interfaceIndex"/>: <paramref name="knownMac"/> when given, else what the resolver knows.</summary>
    public NextHop Resolve(int interfaceIndex, InetAddress nextHopAddress, MacAddress knownMac)
    {
        if (knownMac == MacAddress.Zero)
        {
            _resolver.TryGetMac(nextHopAddress, out knownMac);
        }
        return new NextHop(interfaceIndex, nextHopAddress, knownMac);
    }

    /// <summary>Room for a frame of <paramref name="length"/> bytes toward <paramref name="hop"/>; empty when the batch is full.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> Reserve(in FrameContext context, in NextHop hop, int length) =>
        hop.IsResolved ? context.Output.Add(hop.Interface, length) : ReserveAside(length);

    /// <summary>Room for a frame that will wait for ARP: never in the batch, which only holds frames that go now.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private Span<byte> ReserveAside(int length)
    {
        if (_scratch.Length < length)
        {
            // Slow path only (a frame waiting for ARP larger than any before): grows once.
            _scratch = new byte[length];
        }
        return _scratch.AsSpan(0, length);
    }

    /// <summary>Room for a copy of <paramref name="frame"/> from its IP header on (the Ethernet header is <see cref="Send"/>'s).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> ReserveCopyOf(in FrameContext context, in NextHop hop, ReadOnlySpan<byte> frame)
    {
        var copy = Reserve(context, hop, frame.Length);
        if (!copy.IsEmpty)
        {
            frame[FrameLayout.EthernetHeaderLength..].CopyTo(copy[FrameLayout.EthernetHeaderLength..]);
        }
        return copy;
    }

    /// <summary>
    /// Lets <paramref name="frame"/>, reserved for <paramref name="hop"/>, go: addressed now when the MAC is known
    /// (<see cref="FrameOutcome.Forwarded"/>), else left with the resolver until ARP answers (<see cref="FrameOutcome.Queued"/>,
    /// or <see cref="FrameOutcome.DroppedNoNeighbor"/> when too many wait).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public FrameOutcome Send(in FrameContext context, in NextHop hop, Span<byte> frame)
    {
        if (hop.IsResolved)
        {
            EthernetHeader.Write(frame, hop.Mac, _interfaceMacs[hop.Interface]);
            return FrameOutcome.Forwarded;
        }
        return Hold(context, hop, frame);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private FrameOutcome Hold(in FrameContext context, in NextHop hop, Span<byte> frame)
    {
        return _resolver.Hold(hop.Address, hop.Interface, frame, context.Now, context.Output) ? FrameOutcome.Queued : FrameOutcome.DroppedNoNeighbor;
    }
}
