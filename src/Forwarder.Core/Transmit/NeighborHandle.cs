namespace Forwarder.Core.Transmit;

/// <summary>
/// Where a neighbour entry lives in the neighbour table, as a connection remembers it so that its packets find
/// their next hop's MAC with one array read instead of a lookup by address. The generation tells a reused slot
/// from the entry the handle was taken for; the default handle matches no entry.
/// </summary>
public readonly record struct NeighborHandle(int Slot, int Generation);
