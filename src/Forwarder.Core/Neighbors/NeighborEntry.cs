using Forwarder.Core.Frames;

namespace Forwarder.Core.Neighbors;

/// <summary>One neighbour, stored by value in the table's array (as the kernel's struct neighbour, in engine µs).</summary>
internal struct NeighborEntry
{
    public InetAddress Address;
    public MacAddress Mac;
    public int Interface;
    public NeighborState State;

    /// <summary>Bumped each time the slot is freed, so a connection's handle to the old entry no longer matches.</summary>
    public int Generation;

    /// <summary>The last confirmation (an ARP reply to us).</summary>
    public long Confirmed;

    /// <summary>The last use by a frame outside the connected states (and the state's start).</summary>
    public long Used;

    /// <summary>The last change of state or MAC (for locktime).</summary>
    public long Updated;

    /// <summary>When the entry's timer fires (REACHABLE, DELAY, PROBE, INCOMPLETE).</summary>
    public long TimerAt;

    /// <summary>When the current resolution or re-probe sent its first request.</summary>
    public long ProbingSince;

    /// <summary>Requests counted as the kernel's neigh->probes (a resolution starts at ucast_solicit).</summary>
    public int Probes;
}
