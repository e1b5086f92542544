namespace Forwarder.Core.Sync;

/// <summary>
/// The sizes, offsets and numbers of the kernel's connection sync protocol (<c>ip_vs_sync.c</c>, version 1, and the
/// version 0 it still reads). Every field is big-endian on the wire.
/// </summary>
public static class SyncProtocol
{
    /// <summary>The version a v1 header carries; a v1 header's first byte is 0, which a v0 reader takes for "no connections".</summary>
    public const byte Version = 1;

    /// <summary>v1 header: reserved (0), syncid, size (2), nr_conns, version, spare (2).</summary>
    public const int HeaderLength = 8;

    /// <summary>v0 header: nr_conns, syncid, size (2).</summary>
    public const int Version0HeaderLength = 4;

    public const int HeaderSyncIdOffset = 1;
    public const int HeaderSizeOffset = 2;
    public const int HeaderCountOffset = 4;
    public const int HeaderVersionOffset = 5;
    public const int HeaderSpareOffset = 6;

    /// <summary>An IPv4 entry (<c>struct ip_vs_sync_v4</c>): 24 bytes of fields, then three 4-byte addresses.</summary>
    public const int Ipv4EntryLength = 36;

    /// <summary>An IPv6 entry (<c>struct ip_vs_sync_v6</c>): the same 24 bytes, then three 16-byte addresses.</summary>
    public const int Ipv6EntryLength = 72;

    // Offsets within an entry, the same for both families up to the addresses.
    public const int EntryTypeOffset = 0;
    public const int EntryProtocolOffset = 1;
    public const int EntryVersionSizeOffset = 2;
    public const int EntryFlagsOffset = 4;
    public const int EntryStateOffset = 8;
    public const int EntryClientPortOffset = 10;
    public const int EntryVirtualPortOffset = 12;
    public const int EntryDestinationPortOffset = 14;
    public const int EntryFirewallMarkOffset = 16;
    public const int EntryTimeoutOffset = 20;
    public const int EntryAddressesOffset = 24;

    /// <summary>The type byte's bit for an IPv6 entry (STYPE_F_INET6); any other bit set makes the entry unreadable.</summary>
    public const byte TypeIpv6 = 1;

    /// <summary>ver_size: the top four bits are the entry's version (0), the low twelve its length without padding.</summary>
    public const int EntryVersionShift = 12;
    public const int EntrySizeMask = 0x0FFF;

    /// <summary>Option types (a byte of type, a byte of length, the data); IPVS_OPT_F_PARAM (0x40) in the type marks one a reader may skip.</summary>
    public const byte OptionSequence = 1;
    public const byte OptionPersistenceData = 2;
    public const byte OptionPersistenceName = 3;
    public const byte OptionSkippable = 0x40;

    /// <summary>The sequence option's data: two <c>struct ip_vs_seq</c> (init_seq, delta, previous_delta), in then out.</summary>
    public const int SequenceDataLength = 24;

    /// <summary>IP_VS_PEDATA_MAXLEN and IP_VS_PENAME_MAXLEN: the longest persistence-engine data and name a reader takes.</summary>
    public const int PersistenceDataMaximum = 255;
    public const int PersistenceNameMaximum = 16;

    /// <summary>A v0 entry (<c>struct ip_vs_sync_conn_v0</c>), and one followed by its sequence options.</summary>
    public const int Version0EntryLength = 24;
    public const int Version0FullEntryLength = Version0EntryLength + SequenceDataLength;

    /// <summary>The longest entry this director writes: IPv6 with the sequence option (it writes no persistence-engine data).</summary>
    public const int LongestWrittenEntry = Ipv6EntryLength + 2 + SequenceDataLength;

    /// <summary>nr_conns is one byte: a message holds at most this many entries.</summary>
    public const int MaximumEntriesPerMessage = 255;

    /// <summary>
    /// IP_VS_SYNC_GROUP and IP_VS_SYNC_PORT, where ipvsadm gives none. The kernel has no IPv6 default: an IPv6 group is
    /// given with --mcast-group, and the messages (of either family's connections) then go over IPv6.
    /// </summary>
    public const string DefaultGroup = "224.0.0.81";
    public const int DefaultPort = 8848;

    /// <summary>IP_VS_TCP_S_LAST: the number of TCP states an entry may carry; UDP has one, NORMAL (0).</summary>
    public const int TcpStates = 11;

    /// <summary>IP_VS_CTPL_S_ASSURED: a template a second packet of its connection has passed.</summary>
    public const ushort TemplateAssured = 1;
}
