using System.Numerics;
using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>
/// mh, as <c>ip_vs_mh.c</c>: Maglev hashing over a lookup table of 4093 slots, the prime the kernel
/// picks for its default <c>CONFIG_IP_VS_MH_TAB_INDEX</c> of 12 (index 12 - 8 = 4 into its primes 251,
/// 509, 1021, 2039, 4093, ...), which Debian's 6.1 kernel keeps. Each destination gets a starting slot
/// (offset) and a stride (skip) from two hashes of its own address and port; the table is filled in rounds over the list, each destination claiming its next free
/// preferred slot as many times per round as its turns (last weight / gcd, shifted right so the largest
/// fits in 6 bits). A flow goes to the slot of the hash of its source address (plus its port under
/// mh-port); under mh-fallback an unusable server sends the kernel on to the hashes of the address plus
/// offsets 0..4092 added to the first slot number.
/// <para>
/// Hash keys: <c>ip_vs_mh.c</c> keys hsiphash with fixed constants (2654435761 for the slot hash,
/// 2654446892 for the stride hash), not with random bytes, and we use the very same constants. That keeps
/// our tables equal to the kernel's for the same list, and keeps a replayed capture choosing the same
/// servers on every run (deterministic replay).
/// </para>
/// <para>
/// Weights: as the kernel, the table uses each destination's last non-zero weight, so quiescing a server
/// (weight 0) keeps its slots and its flows find it unusable, instead of reshuffling everyone else.
/// </para>
/// </summary>
public sealed class MaglevHashingScheduler : IScheduler, ISourceHashTable
{
    public const int TableSize = 4093;

    /// <summary>Half of the kernel's CONFIG_IP_VS_MH_TAB_INDEX (12): turns are cut to this many bits.</summary>
    private const int TurnBits = 6;

    public const ulong SlotHashKey = 2654435761UL;
    public const ulong SkipHashKey = 2654446892UL;

    private readonly Destination?[] _lookup = new Destination?[TableSize];

    /// <summary>The kernel's dest->last_weight, which our Destination does not carry: the weight when added, then the latest non-zero one.</summary>
    private readonly Dictionary<Destination, int> _lastWeights = new(ReferenceEqualityComparer.Instance);

    public string Name => "mh";

    public void Initialize(VirtualService service)
    {
        _lastWeights.Clear();
        foreach (var destination in service.Destinations)
        {
            // Earlier edits are not known here; the current weight is the best stand-in for last_weight.
            _lastWeights[destination] = destination.Weight;
        }
        Reassign(service);
    }

    public void OnDestinationAdded(VirtualService service, Destination destination)
    {
        _lastWeights[destination] = destination.Weight;
        Reassign(service);
    }

    public void OnDestinationRemoved(VirtualService service, Destination destination, int formerIndex)
    {
        _lastWeights.Remove(destination);
        Reassign(service);
    }

    public void OnDestinationUpdated(VirtualService service, Destination destination)
    {
        if (destination.Weight != 0)
        {
            _lastWeights[destination] = destination.Weight;
        }
        Reassign(service);
    }

    /// <summary>The kernel's <c>ip_vs_mh_hashkey</c>: hsiphash of the 32-bit sum offset + port + address.</summary>
    public static uint HashKey(uint address, ushort port, ulong key, uint offset = 0) =>
        HsipHash.Hash(unchecked(offset + port + address), key, key);

    /// <summary>The lookup slot of a host-order address and port.</summary>
    public static int SlotOf(uint address, ushort port, uint offset = 0) => (int)(HashKey(address, port, SlotHashKey, offset) % TableSize);

    /// <summary>The server a lookup slot holds (for tests and listings).</summary>
    public Destination? SlotServer(int slot) => _lookup[slot];

    public Destination? Schedule(VirtualService service, in FlowInfo flow) => SourceHashChoice.Choose(this, flow, service.SchedulerFlags);

    int ISourceHashTable.Size => TableSize;

    Destination? ISourceHashTable.ServerAt(uint address, ushort port, uint offset) => _lookup[SlotOf(address, port, offset)];

    int ISourceHashTable.SlotOf(uint address, ushort port) => SlotOf(address, port);

    private int LastWeight(Destination destination) => _lastWeights.TryGetValue(destination, out var weight) ? weight : destination.Weight;

    private void Reassign(VirtualService service)
    {
        var list = service.Destinations;
        var count = list.Count;
        if (count > TableSize)
        {
            // The kernel refuses to rebuild (EINVAL) and keeps the table it had.
            return;
        }
        var gcd = 0;
        var maxWeight = 0;
        foreach (var destination in list)
        {
            var weight = LastWeight(destination);
            if (weight > 0)
            {
                gcd = gcd > 0 ? WeightedRoundRobinScheduler.Gcd(weight, gcd) : weight;
            }
            maxWeight = Math.Max(maxWeight, weight);
        }
        if (gcd < 1)
        {
            Array.Clear(_lookup);
            return;
        }
        // fls(max / gcd) - 6, never negative: large weights keep their proportions in fewer turns.
        var shift = Math.Max(0, (32 - BitOperations.LeadingZeroCount((uint)(maxWeight / gcd))) - TurnBits);

        var skips = new int[count];
        var next = new int[count];
        var turns = new int[count];
        for (var index = 0; index < count; index++)
        {
            var destination = list[index];
            var address = destination.Address.Fold();
            next[index] = (int)(HashKey(address, destination.Port, SlotHashKey) % TableSize);
            skips[index] = (int)(HashKey(address, destination.Port, SkipHashKey) % (TableSize - 1)) + 1;
            var lastWeight = LastWeight(destination);
            var turnCount = (lastWeight / gcd) >> shift;
            turns[index] = turnCount != 0 ? turnCount : (lastWeight != 0 ? 1 : 0);
        }

        var taken = new bool[TableSize];
        var filled = 0;
        var turnsTaken = 0;
        while (true)
        {
            var index = 0;
            while (index < count)
            {
                if (turns[index] < 1)
                {
                    // Added with weight 0 and never weighted since: no slots.
                    index++;
                    continue;
                }
                var slot = next[index];
                while (taken[slot])
                {
                    slot += skips[index];
                    if (slot >= TableSize)
                    {
                        slot -= TableSize;
                    }
                    next[index] = slot;
                }
                taken[slot] = true;
                _lookup[slot] = list[index];
                if (++filled == TableSize)
                {
                    return;
                }
                if (++turnsTaken >= turns[index])
                {
                    turnsTaken = 0;
                    index++;
                }
            }
        }
    }
}
