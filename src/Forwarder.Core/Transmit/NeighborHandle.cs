namespace Forwarder.Core.Transmit;

/// <summary>
/// Where a neighbour entry lives in the neighbour table, as a connection remembers it so that its packets find
/// their next hop's MAC with one array read instead of a lookup by address. The generation tells a reused slot
/// from the entry the handle was taken for; the default handle matches no entry.
/// Both halves are 16 bits, so a connection's two handles take 8 bytes of its entry (a million entries, a table
/// that stays in cache longer); the neighbour table hands out no handle for a slot past <see cref="MaximumSlot"/>.
/// </summary>
public readonly record struct NeighborHandle
{
    public const int MaximumSlot = ushort.MaxValue;

    /// <summary>Generations count 1 to this and wrap back to 1 (0 is the default handle's).</summary>
    public const int MaximumGeneration = ushort.MaxValue;

    private readonly ushort _slot;
    private readonly ushort _generation;

    public NeighborHandle(int slot, int generation)
    {
        _slot = (ushort)slot;
        _generation = (ushort)generation;
    }

    public int Slot => _slot;

    public int Generation => _generation;
}
