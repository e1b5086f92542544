using Forwarder.Core.Frames;

namespace Forwarder.Core.Transmit;

/// <summary>
/// The hook by which the transmit layer asks for a next hop's MAC and leaves a frame waiting for ARP, without
/// depending on who keeps the neighbours (the neighbour table, above this layer, implements it).
/// </summary>
public interface INextHopResolver
{
    bool TryGetMac(InetAddress address, out MacAddress mac);

    /// <summary>
    /// Keeps <paramref name="frame"/> (complete but for its Ethernet header) until <paramref name="nextHop"/>
    /// answers ARP, then sends it addressed; false when it had to be dropped.
    /// </summary>
    bool Hold(InetAddress nextHop, int interfaceIndex, ReadOnlySpan<byte> frame, long now, OutputBatch output);
}
