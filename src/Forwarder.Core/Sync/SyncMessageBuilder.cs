namespace Forwarder.Core.Sync;

/// <summary>
/// The message a master is filling (the kernel's <c>ip_vs_sync_buff</c>): entries go in until the next would pass the
/// daemon's sync-maxlen, or the one-byte entry count is full. An entry longer than sync-maxlen still goes, alone in its
/// message, as the kernel sizes such a buffer for it. Its buffer is allocated once.
/// </summary>
public sealed class SyncMessageBuilder
{
    private readonly byte[] _buffer;
    private readonly int _maximumLength;
    private readonly byte _syncId;
    private int _length = SyncProtocol.HeaderLength;

    public SyncMessageBuilder(byte syncId, int maximumLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maximumLength, 1);
        _syncId = syncId;
        _maximumLength = maximumLength;
        _buffer = new byte[Math.Max(maximumLength, SyncProtocol.HeaderLength + SyncProtocol.LongestWrittenEntry)];
    }

    public int Count { get; private set; }

    public int Length => _length;

    /// <summary>Engine time (µs) of the first entry, as the kernel's <c>firstuse</c>: a message is sent at the latest 2 s later.</summary>
    public long FirstEntryAt { get; private set; }

    /// <summary>Adds an entry; false, leaving the message as it was, when it belongs in the next message.</summary>
    public bool TryAdd(in SyncEntry entry, long now)
    {
        var padding = (4 - _length) & 3;
        var needed = padding + entry.WireLength;
        if (Count == SyncProtocol.MaximumEntriesPerMessage || (Count > 0 && _length + needed > _maximumLength) || _length + needed > _buffer.Length)
        {
            return false;
        }
        _buffer.AsSpan(_length, padding).Clear();
        SyncMessageWriter.TryWriteEntry(_buffer.AsSpan(_length + padding), entry, out var written);
        if (Count == 0)
        {
            FirstEntryAt = now;
        }
        _length += padding + written;
        Count++;
        return true;
    }

    /// <summary>The whole message, header included, as it goes on the wire.</summary>
    public ReadOnlySpan<byte> Message
    {
        get
        {
            SyncMessageWriter.WriteHeader(_buffer, _syncId, _length, Count);
            return _buffer.AsSpan(0, _length);
        }
    }

    public void Clear()
    {
        _length = SyncProtocol.HeaderLength;
        Count = 0;
    }
}
