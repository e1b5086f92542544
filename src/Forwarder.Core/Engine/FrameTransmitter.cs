using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Topology;

namespace Forwarder.Core.Engine;

/// <summary>
/// Puts finished frames into the caller's output batch, addressed at the Ethernet layer: the interface's
/// own MAC as source, the next hop's as destination. A frame whose next hop is not yet known waits in
/// the neighbour table while ARP asks for it.
/// </summary>
public sealed class FrameTransmitter
{
    private readonly MacAddress[] _interfaceMacs;
    private readonly NeighborTable _neighbors;
    private ushort _identification;

    public FrameTransmitter(DirectorTopology topology, NeighborTable neighbors)
    {
        _interfaceMacs = topology.Interfaces.Select(i => i.Mac).ToArray();
        _neighbors = neighbors;
    }

    public OutputBatch Output { get; set; } = new(0, 0);

    public long Now { get; set; }

    public NeighborTable Neighbors => _neighbors;

    public MacAddress MacOf(int interfaceIndex) => _interfaceMacs[interfaceIndex];

    /// <summary>The IPv4 identification for a packet the director makes itself: a counter, so replays repeat.</summary>
    public ushort NextIdentification() => _identification++;

    /// <summary>Room for a frame out of <paramref name="interfaceIndex"/>; empty when the batch is full.</summary>
    public Span<byte> Reserve(int interfaceIndex, int length) => Output.Add(interfaceIndex, length);

    /// <summary>A copy of <paramref name="frame"/> to edit and send out of <paramref name="interfaceIndex"/>; empty when the batch is full.</summary>
    public Span<byte> ReserveCopyOf(int interfaceIndex, ReadOnlySpan<byte> frame)
    {
        var copy = Output.Add(interfaceIndex, frame.Length);
        if (!copy.IsEmpty)
        {
            frame.CopyTo(copy);
        }
        return copy;
    }

    /// <summary>
    /// Addresses <paramref name="frame"/>, the frame reserved last, and lets it go: to <paramref name="knownMac"/>
    /// when given, else to the neighbour table's MAC for <paramref name="nextHop"/>, else it waits for ARP.
    /// </summary>
    public FrameOutcome Send(Span<byte> frame, int interfaceIndex, uint nextHop, MacAddress knownMac)
    {
        _interfaceMacs[interfaceIndex].Write(frame[FrameLayout.EthernetSource..]);
        if (knownMac == MacAddress.Zero && !_neighbors.TryGetMac(nextHop, out knownMac))
        {
            var copy = frame.ToArray();
            Output.RemoveLast();
            return _neighbors.Hold(nextHop, interfaceIndex, copy, Now, Output) ? FrameOutcome.Queued : FrameOutcome.DroppedNoNeighbor;
        }
        knownMac.Write(frame[FrameLayout.EthernetDestination..]);
        return FrameOutcome.Forwarded;
    }
}
