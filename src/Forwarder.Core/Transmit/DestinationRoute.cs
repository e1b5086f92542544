using Forwarder.Core.Frames;

namespace Forwarder.Core.Transmit;

/// <summary>
/// The way to one real server as a new connection takes it, cached on the destination as the kernel's ip_vs_dest
/// caches its route (dest_dst): the interface, the next hop, and a handle to the next hop's neighbour entry.
/// Valid while <see cref="Version"/> is the topology's route version; the handle is checked on every use.
/// </summary>
public struct DestinationRoute
{
    /// <summary>The topology's route version this was found under, plus one (0: nothing cached).</summary>
    public int Version;

    public byte Interface;

    public InetAddress NextHop;

    public NeighborHandle Neighbor;
}
