using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using Forwarder.Core.Frames;

namespace Forwarder.Core.Connections;

/// <summary>
/// Cache hints for packets about to be looked up, as a batching data plane issues them: a large table's index slot
/// and entry are each a likely cache miss, and one packet at a time waits out each in turn. Hinting a group of
/// packets first lets their misses overlap. Hints change nothing the table holds or answers.
/// </summary>
public sealed partial class ConnectionTable
{
    /// <summary>The index position a client-side lookup of this flow starts at, with its index line hinted into the cache.</summary>
    public int HintClientSide(byte protocol, InetAddress clientAddress, ushort clientPort, InetAddress virtualAddress, ushort virtualPort)
    {
        var position = (int)FlowHash.Compute(protocol, clientAddress, clientPort, virtualAddress, virtualPort, _seed) & _indexMask;
        Prefetch(ref _clientIndex[position]);
        return position;
    }

    /// <summary>As <see cref="HintClientSide"/> for a real server's reply (the reply-side index).</summary>
    public int HintServerSide(byte protocol, InetAddress serverAddress, ushort serverPort, InetAddress clientAddress, ushort clientPort)
    {
        var position = (int)FlowHash.Compute(protocol, serverAddress, serverPort, clientAddress, clientPort, _seed) & _indexMask;
        Prefetch(ref _serverIndex[position]);
        return position;
    }

    /// <summary>
    /// The reply-side hash of a NAT connection about to be made, with the index line it will be stored in hinted
    /// now, so that the line arrives while the connection is written (see <see cref="Admit(int, long, uint, uint)"/>).
    /// </summary>
    public uint PrefetchServerSide(byte protocol, InetAddress serverAddress, ushort serverPort, InetAddress clientAddress, ushort clientPort)
    {
        var hash = FlowHash.Compute(protocol, serverAddress, serverPort, clientAddress, clientPort, _seed);
        Prefetch(ref _serverIndex[(int)hash & _indexMask]);
        return hash;
    }

    /// <summary>
    /// Hints the entry the index names at <paramref name="position"/> (the first a lookup from there compares), once
    /// its index line has had time to arrive. A position from before the table grew may name another entry: a hint only.
    /// </summary>
    public void HintEntry(int position, bool serverSide)
    {
        var index = serverSide ? _serverIndex : _clientIndex;
        if ((uint)position >= (uint)index.Length)
        {
            return;
        }
        var stored = index[position];
        var slot = SlotOfCell(stored);
        if (stored == 0 || (uint)slot >= (uint)_entries.Length)
        {
            return;
        }
        ref var first = ref Unsafe.As<Connection, byte>(ref _entries[slot]);
        // An entry spans two or three cache lines (96 bytes, not line-aligned) and the packet reads all of them.
        Prefetch(ref first);
        Prefetch(ref Unsafe.Add(ref first, 64));
        Prefetch(ref Unsafe.Add(ref first, Unsafe.SizeOf<Connection>() - 1));
    }

    private static unsafe void Prefetch<T>(ref T location)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref location));
        }
    }
}
