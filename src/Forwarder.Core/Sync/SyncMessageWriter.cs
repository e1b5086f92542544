using System.Buffers.Binary;

namespace Forwarder.Core.Sync;

/// <summary>
/// Writes sync version 1 messages into spans, allocating nothing: the header, and entries as <c>ip_vs_sync_conn</c>
/// lays them out (each entry starts on a 4-byte boundary of the message; the padding before it counts in the size).
/// Only version 1 is written: version 0 has no room for IPv6 (the kernel's v0 master leaves IPv6 connections unsynced).
/// </summary>
public static class SyncMessageWriter
{
    /// <summary>The header of a v1 message of <paramref name="size"/> bytes holding <paramref name="count"/> entries.</summary>
    public static void WriteHeader(Span<byte> message, byte syncId, int size, int count)
    {
        message[0] = 0;
        message[SyncProtocol.HeaderSyncIdOffset] = syncId;
        BinaryPrimitives.WriteUInt16BigEndian(message[SyncProtocol.HeaderSizeOffset..], (ushort)size);
        message[SyncProtocol.HeaderCountOffset] = (byte)count;
        message[SyncProtocol.HeaderVersionOffset] = SyncProtocol.Version;
        BinaryPrimitives.WriteUInt16BigEndian(message[SyncProtocol.HeaderSpareOffset..], 0);
    }

    /// <summary>Writes one entry at the start of <paramref name="destination"/>; false, writing nothing, when it does not fit.</summary>
    public static bool TryWriteEntry(Span<byte> destination, in SyncEntry entry, out int written)
    {
        written = entry.WireLength;
        if (destination.Length < written)
        {
            written = 0;
            return false;
        }
        var span = destination[..written];
        span[SyncProtocol.EntryTypeOffset] = entry.IsIpv6 ? SyncProtocol.TypeIpv6 : (byte)0;
        span[SyncProtocol.EntryProtocolOffset] = entry.Protocol;
        // Version 0 of the entry format in the top four bits, the length below.
        BinaryPrimitives.WriteUInt16BigEndian(span[SyncProtocol.EntryVersionSizeOffset..], (ushort)(written & SyncProtocol.EntrySizeMask));
        // As the kernel, the hashed bit is the sender's own business.
        BinaryPrimitives.WriteUInt32BigEndian(span[SyncProtocol.EntryFlagsOffset..], (uint)(entry.Flags & ~KernelConnectionFlags.Hashed));
        BinaryPrimitives.WriteUInt16BigEndian(span[SyncProtocol.EntryStateOffset..], entry.State);
        BinaryPrimitives.WriteUInt16BigEndian(span[SyncProtocol.EntryClientPortOffset..], entry.ClientPort);
        BinaryPrimitives.WriteUInt16BigEndian(span[SyncProtocol.EntryVirtualPortOffset..], entry.VirtualPort);
        BinaryPrimitives.WriteUInt16BigEndian(span[SyncProtocol.EntryDestinationPortOffset..], entry.DestinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(span[SyncProtocol.EntryFirewallMarkOffset..], entry.FirewallMark);
        BinaryPrimitives.WriteUInt32BigEndian(span[SyncProtocol.EntryTimeoutOffset..], entry.TimeoutSeconds);
        var at = SyncProtocol.EntryAddressesOffset;
        if (entry.IsIpv6)
        {
            BinaryPrimitives.WriteUInt128BigEndian(span[at..], entry.ClientAddress);
            BinaryPrimitives.WriteUInt128BigEndian(span[(at + 16)..], entry.VirtualAddress);
            BinaryPrimitives.WriteUInt128BigEndian(span[(at + 32)..], entry.DestinationAddress);
            at += 48;
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(span[at..], (uint)entry.ClientAddress);
            BinaryPrimitives.WriteUInt32BigEndian(span[(at + 4)..], (uint)entry.VirtualAddress);
            BinaryPrimitives.WriteUInt32BigEndian(span[(at + 8)..], (uint)entry.DestinationAddress);
            at += 12;
        }
        if (entry.HasSequence)
        {
            span[at] = SyncProtocol.OptionSequence;
            span[at + 1] = SyncProtocol.SequenceDataLength;
            WriteSequence(span[(at + 2)..], entry.InSequence);
            WriteSequence(span[(at + 14)..], entry.OutSequence);
        }
        return true;
    }

    private static void WriteSequence(Span<byte> span, in SyncSequence sequence)
    {
        BinaryPrimitives.WriteUInt32BigEndian(span, sequence.InitialSequence);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], sequence.Delta);
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], sequence.PreviousDelta);
    }
}
