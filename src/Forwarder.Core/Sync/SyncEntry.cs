namespace Forwarder.Core.Sync;

/// <summary>
/// One connection (or persistence template) as a sync message carries it: the fields of <c>struct ip_vs_sync_v4</c> or
/// <c>_v6</c>, with addresses as numbers (an IPv4 address in the low 32 bits), and the sequence option when present.
/// A v0 entry has no firewall mark and no timeout (0: the reader's own timeouts apply).
/// </summary>
public struct SyncEntry
{
    public bool IsIpv6;
    public byte Protocol;
    public KernelConnectionFlags Flags;
    public ushort State;
    public ushort ClientPort;
    public ushort VirtualPort;
    public ushort DestinationPort;
    public uint FirewallMark;
    public uint TimeoutSeconds;
    public UInt128 ClientAddress;
    public UInt128 VirtualAddress;
    public UInt128 DestinationAddress;
    public bool HasSequence;
    public SyncSequence InSequence;
    public SyncSequence OutSequence;

    /// <summary>Persistence-engine data (SIP's Call-ID) came with the entry: its length, and the engine's name's.</summary>
    public int PersistenceDataLength;
    public int PersistenceNameLength;

    public readonly bool IsTemplate => (Flags & KernelConnectionFlags.Template) != 0;

    /// <summary>The length the entry takes on the wire, without the padding to the next entry.</summary>
    public readonly int WireLength => (IsIpv6 ? SyncProtocol.Ipv6EntryLength : SyncProtocol.Ipv4EntryLength) +
        (HasSequence ? 2 + SyncProtocol.SequenceDataLength : 0);
}
