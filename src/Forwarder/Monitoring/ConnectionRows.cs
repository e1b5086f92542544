using Forwarder.Core.Connections;

namespace Forwarder.Monitoring;

/// <summary>
/// The connection table copied row by row into one array that is kept and reused from one copy to the next. A copy
/// is made in slices of <see cref="SliceSlots"/> slots, each its own step on the engine's thread, so a table of a
/// million flows holds forwarding up for a few milliseconds at a time rather than tens; like the kernel's
/// /proc/net/ip_vs_conn, which is read a page at a time, the whole is not one instant.
/// </summary>
public sealed class ConnectionRows
{
    public const int SliceSlots = 65_536;

    private const long MicrosecondsPerSecond = 1_000_000;

    private ConnectionRow[] _rows = [];
    private int _nextSlot;

    public int Count { get; private set; }

    public ReadOnlySpan<ConnectionRow> Rows => _rows.AsSpan(0, Count);

    /// <summary>Copies every live connection at <paramref name="now"/> (engine µs) in one go. Engine thread only.</summary>
    public void CopyFrom(ConnectionTable table, long now)
    {
        Begin();
        while (!CopySlice(table, now))
        {
        }
    }

    /// <summary>Starts a new copy.</summary>
    public void Begin()
    {
        Count = 0;
        _nextSlot = 0;
    }

    /// <summary>Copies the next slice of slots, in slot order, as of <paramref name="now"/>; true when the table is done. Engine thread only.</summary>
    public bool CopySlice(ConnectionTable table, long now)
    {
        var end = Math.Min(table.SlotCount, _nextSlot + SliceSlots);
        if (_rows.Length < Count + (end - _nextSlot))
        {
            Array.Resize(ref _rows, Math.Max(Count + (end - _nextSlot), Math.Min(table.Maximum, _rows.Length * 2)));
        }
        for (var slot = _nextSlot; slot < end; slot++)
        {
            ref var connection = ref table[slot];
            if (!connection.IsInUse || connection.ExpiresAt <= now)
            {
                continue;
            }
            _rows[Count++] = new ConnectionRow
            {
                ClientAddress = connection.ClientAddress,
                ClientPort = connection.ClientPort,
                VirtualAddress = connection.VirtualAddress,
                VirtualPort = connection.VirtualPort,
                DestinationAddress = connection.DestinationAddress,
                DestinationPort = connection.DestinationPort,
                Protocol = connection.Protocol,
                IsTemplate = connection.IsTemplate,
                State = connection.State,
                SecondsLeft = (uint)Math.Min(uint.MaxValue, (connection.ExpiresAt - now) / MicrosecondsPerSecond),
            };
        }
        _nextSlot = end;
        return end >= table.SlotCount;
    }
}
