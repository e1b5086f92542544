using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>A table of servers indexed by a hash of the client's address (and port), with the offset a fallback walk adds.</summary>
internal interface ISourceHashTable
{
    int Size { get; }

    /// <summary>The server of the slot that (address, port), rolled by <paramref name="offset"/>, hashes to; null when empty.</summary>
    Destination? ServerAt(uint address, ushort port, uint offset);

    /// <summary>The slot (address, port) hashes to without rolling.</summary>
    int SlotOf(uint address, ushort port);
}
