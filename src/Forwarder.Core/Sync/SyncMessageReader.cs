using System.Buffers.Binary;

namespace Forwarder.Core.Sync;

/// <summary>
/// Reads a received sync datagram as the kernel's <c>ip_vs_process_message</c> does, allocating nothing: the header is
/// checked (size, then syncid), a version 1 message is told by its version byte with reserved and spare zero and
/// anything else is read as version 0; then <see cref="TryNext"/> hands out the entries one by one. Every read is
/// bounded by the datagram; a problem that ends the message stops the entries and is left in <see cref="Problem"/>.
/// </summary>
public ref struct SyncMessageReader
{
    private readonly ReadOnlySpan<byte> _message;
    private int _next;
    private int _read;

    /// <param name="datagram">The datagram as received.</param>
    /// <param name="acceptedSyncId">The backup's syncid; 0 takes every syncid, as the kernel's backup does.</param>
    public SyncMessageReader(ReadOnlySpan<byte> datagram, byte acceptedSyncId)
    {
        _message = datagram;
        if (datagram.Length < SyncProtocol.Version0HeaderLength)
        {
            Problem = SyncMessageProblem.HeaderTooShort;
            return;
        }
        if (BinaryPrimitives.ReadUInt16BigEndian(datagram[SyncProtocol.HeaderSizeOffset..]) != datagram.Length)
        {
            Problem = SyncMessageProblem.SizeMismatch;
            return;
        }
        SyncId = datagram[SyncProtocol.HeaderSyncIdOffset];
        if (acceptedSyncId != 0 && SyncId != acceptedSyncId)
        {
            Problem = SyncMessageProblem.OtherSyncId;
            return;
        }
        IsVersion0 = !(datagram.Length >= SyncProtocol.HeaderLength && datagram[0] == 0 &&
            datagram[SyncProtocol.HeaderVersionOffset] == SyncProtocol.Version &&
            BinaryPrimitives.ReadUInt16BigEndian(datagram[SyncProtocol.HeaderSpareOffset..]) == 0);
        DeclaredCount = IsVersion0 ? datagram[0] : datagram[SyncProtocol.HeaderCountOffset];
        _next = IsVersion0 ? SyncProtocol.Version0HeaderLength : SyncProtocol.HeaderLength;
    }

    public SyncMessageProblem Problem { get; private set; }

    public bool IsVersion0 { get; }

    public byte SyncId { get; }

    /// <summary>The number of entries the header announces.</summary>
    public int DeclaredCount { get; }

    /// <summary>
    /// The next entry, with the problem that makes a backup skip it (<see cref="SyncEntryProblem.None"/> when it is to be
    /// taken). False when the entries are done or the message ends here (<see cref="Problem"/> says why).
    /// </summary>
    public bool TryNext(out SyncEntry entry, out SyncEntryProblem skip)
    {
        entry = default;
        skip = SyncEntryProblem.None;
        if (Problem != SyncMessageProblem.None || _read >= DeclaredCount)
        {
            return false;
        }
        _read++;
        var problem = IsVersion0 ? ReadVersion0(ref entry, ref skip) : ReadVersion1(ref entry, ref skip);
        Problem = problem;
        return problem == SyncMessageProblem.None;
    }

    private SyncMessageProblem ReadVersion1(ref SyncEntry entry, ref SyncEntryProblem skip)
    {
        var start = _next;
        // Whatever its family, an entry is first checked against an IPv4 entry's length.
        if (start + SyncProtocol.Ipv4EntryLength > _message.Length)
        {
            return SyncMessageProblem.EntryPastEnd;
        }
        var versionSize = BinaryPrimitives.ReadUInt16BigEndian(_message[(start + SyncProtocol.EntryVersionSizeOffset)..]);
        var size = versionSize & SyncProtocol.EntrySizeMask;
        var end = start + size;
        if (end > _message.Length)
        {
            return SyncMessageProblem.EntryPastEnd;
        }
        if (versionSize >> SyncProtocol.EntryVersionShift != 0)
        {
            return SyncMessageProblem.UnknownEntryVersion;
        }
        // The next entry starts at the next 4-byte boundary after this one's size.
        _next = start + ((size + 3) & ~3);
        var type = _message[start + SyncProtocol.EntryTypeOffset];
        int at;
        if ((type & SyncProtocol.TypeIpv6) != 0)
        {
            entry.IsIpv6 = true;
            at = start + SyncProtocol.Ipv6EntryLength;
        }
        else if (type == 0)
        {
            at = start + SyncProtocol.Ipv4EntryLength;
        }
        else
        {
            return SyncMessageProblem.MalformedEntry;
        }
        if (at > end)
        {
            return SyncMessageProblem.MalformedEntry;
        }
        ReadFields(_message[start..], ref entry);
        var optionsSeen = 0;
        while (at < end)
        {
            if (at + 2 > end)
            {
                return SyncMessageProblem.MalformedEntry;
            }
            var optionType = _message[at];
            var optionLength = _message[at + 1];
            at += 2;
            if (optionLength == 0 || at + optionLength > end)
            {
                return SyncMessageProblem.MalformedEntry;
            }
            var kind = optionType & ~SyncProtocol.OptionSkippable;
            if (kind is SyncProtocol.OptionSequence or SyncProtocol.OptionPersistenceData or SyncProtocol.OptionPersistenceName)
            {
                var bit = 1 << kind;
                var tooLong = kind == SyncProtocol.OptionSequence ? optionLength != SyncProtocol.SequenceDataLength
                    : kind == SyncProtocol.OptionPersistenceName && optionLength > SyncProtocol.PersistenceNameMaximum;
                if (tooLong || (optionsSeen & bit) != 0)
                {
                    return SyncMessageProblem.MalformedEntry;
                }
                optionsSeen |= bit;
                ReadOption(kind, _message.Slice(at, optionLength), ref entry);
            }
            else if ((optionType & SyncProtocol.OptionSkippable) == 0 && skip == SyncEntryProblem.None)
            {
                // As the kernel: an unknown option that may not be skipped drops this entry only, at once.
                skip = SyncEntryProblem.UnknownMandatoryOption;
                return SyncMessageProblem.None;
            }
            at += optionLength;
        }
        entry.Flags = (entry.Flags & KernelConnectionFlags.BackupMask) | KernelConnectionFlags.Synced;
        skip = Check(in entry);
        if (skip == SyncEntryProblem.None && entry.PersistenceDataLength > 0)
        {
            // This director runs no persistence engine (the kernel skips the entry when the named one is not loaded).
            skip = SyncEntryProblem.PersistenceEngine;
        }
        return SyncMessageProblem.None;
    }

    private SyncMessageProblem ReadVersion0(ref SyncEntry entry, ref SyncEntryProblem skip)
    {
        var start = _next;
        if (start + SyncProtocol.Version0EntryLength > _message.Length)
        {
            return SyncMessageProblem.EntryPastEnd;
        }
        var s = _message[start..];
        entry.Protocol = s[1];
        entry.ClientPort = BinaryPrimitives.ReadUInt16BigEndian(s[2..]);
        entry.VirtualPort = BinaryPrimitives.ReadUInt16BigEndian(s[4..]);
        entry.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(s[6..]);
        entry.ClientAddress = BinaryPrimitives.ReadUInt32BigEndian(s[8..]);
        entry.VirtualAddress = BinaryPrimitives.ReadUInt32BigEndian(s[12..]);
        entry.DestinationAddress = BinaryPrimitives.ReadUInt32BigEndian(s[16..]);
        // Version 0 takes the flags as they come (16 bits), not masked as version 1's are.
        entry.Flags = ((KernelConnectionFlags)BinaryPrimitives.ReadUInt16BigEndian(s[20..]) | KernelConnectionFlags.Synced) & ~KernelConnectionFlags.Hashed;
        entry.State = BinaryPrimitives.ReadUInt16BigEndian(s[22..]);
        if ((entry.Flags & KernelConnectionFlags.SequenceMask) != 0)
        {
            if (start + SyncProtocol.Version0FullEntryLength > _message.Length)
            {
                return SyncMessageProblem.EntryPastEnd;
            }
            entry.HasSequence = true;
            entry.InSequence = ReadSequence(s[24..]);
            entry.OutSequence = ReadSequence(s[36..]);
            _next = start + SyncProtocol.Version0FullEntryLength;
        }
        else
        {
            _next = start + SyncProtocol.Version0EntryLength;
        }
        skip = Check(in entry);
        return SyncMessageProblem.None;
    }

    private static void ReadFields(ReadOnlySpan<byte> s, ref SyncEntry entry)
    {
        entry.Protocol = s[SyncProtocol.EntryProtocolOffset];
        entry.Flags = (KernelConnectionFlags)BinaryPrimitives.ReadUInt32BigEndian(s[SyncProtocol.EntryFlagsOffset..]);
        entry.State = BinaryPrimitives.ReadUInt16BigEndian(s[SyncProtocol.EntryStateOffset..]);
        entry.ClientPort = BinaryPrimitives.ReadUInt16BigEndian(s[SyncProtocol.EntryClientPortOffset..]);
        entry.VirtualPort = BinaryPrimitives.ReadUInt16BigEndian(s[SyncProtocol.EntryVirtualPortOffset..]);
        entry.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(s[SyncProtocol.EntryDestinationPortOffset..]);
        entry.FirewallMark = BinaryPrimitives.ReadUInt32BigEndian(s[SyncProtocol.EntryFirewallMarkOffset..]);
        entry.TimeoutSeconds = BinaryPrimitives.ReadUInt32BigEndian(s[SyncProtocol.EntryTimeoutOffset..]);
        var a = s[SyncProtocol.EntryAddressesOffset..];
        if (entry.IsIpv6)
        {
            entry.ClientAddress = BinaryPrimitives.ReadUInt128BigEndian(a);
            entry.VirtualAddress = BinaryPrimitives.ReadUInt128BigEndian(a[16..]);
            entry.DestinationAddress = BinaryPrimitives.ReadUInt128BigEndian(a[32..]);
        }
        else
        {
            entry.ClientAddress = BinaryPrimitives.ReadUInt32BigEndian(a);
            entry.VirtualAddress = BinaryPrimitives.ReadUInt32BigEndian(a[4..]);
            entry.DestinationAddress = BinaryPrimitives.ReadUInt32BigEndian(a[8..]);
        }
    }

    private static void ReadOption(int kind, ReadOnlySpan<byte> data, ref SyncEntry entry)
    {
        switch (kind)
        {
            case SyncProtocol.OptionSequence:
                entry.HasSequence = true;
                entry.InSequence = ReadSequence(data);
                entry.OutSequence = ReadSequence(data[12..]);
                break;
            case SyncProtocol.OptionPersistenceData:
                entry.PersistenceDataLength = data.Length;
                break;
            default:
                entry.PersistenceNameLength = data.Length;
                break;
        }
    }

    private static SyncSequence ReadSequence(ReadOnlySpan<byte> data) => new(
        BinaryPrimitives.ReadUInt32BigEndian(data),
        BinaryPrimitives.ReadUInt32BigEndian(data[4..]),
        BinaryPrimitives.ReadUInt32BigEndian(data[8..]));

    /// <summary>As the kernel: a connection needs a protocol IPVS handles and a state of that protocol; a template's state is not checked.</summary>
    private static SyncEntryProblem Check(in SyncEntry entry)
    {
        if (entry.IsTemplate)
        {
            return SyncEntryProblem.None;
        }
        var states = entry.Protocol switch
        {
            6 => SyncProtocol.TcpStates,
            // SCTP's IP_VS_SCTP_S_LAST.
            132 => 14,
            // UDP, AH and ESP have one state.
            17 or 50 or 51 => 1,
            _ => 0,
        };
        return states == 0 ? SyncEntryProblem.UnsupportedProtocol
            : entry.State >= states ? SyncEntryProblem.InvalidState
            : SyncEntryProblem.None;
    }
}
