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
    /// <summary>
    /// The client-side hash of this flow, with the index line its lookup starts at hinted into the cache; the hash
    /// serves that lookup too (<see cref="FindByClientHashed"/>).
    /// </summary>
    public uint HintClientSide(byte protocol, InetAddress clientAddress, ushort clientPort, InetAddress virtualAddress, ushort virtualPort)
    {
        var hash = FlowHash.Compute(protocol, clientAddress, clientPort, virtualAddress, virtualPort, _seed);
        Prefetch(ref _clientIndex[(int)hash & _indexMask]);
        return hash;
    }

    /// <summary>As <see cref="HintClientSide"/> for a real server's reply (the reply-side index, <see cref="FindByServerHashed"/>).</summary>
    public uint HintServerSide(byte protocol, InetAddress serverAddress, ushort serverPort, InetAddress clientAddress, ushort clientPort)
    {
        var hash = FlowHash.Compute(protocol, serverAddress, serverPort, clientAddress, clientPort, _seed);
        Prefetch(ref _serverIndex[(int)hash & _indexMask]);
        return hash;
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
    /// Hints the entry the index names where a lookup of <paramref name="hash"/> starts (the first it compares), once
    /// its index line has had time to arrive. A hash from before the table grew may name another entry: a hint only.
    /// </summary>
    public void HintEntry(uint hash, bool serverSide)
    {
        var index = serverSide ? _serverIndex : _clientIndex;
        var stored = index[(int)hash & _indexMask];
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
