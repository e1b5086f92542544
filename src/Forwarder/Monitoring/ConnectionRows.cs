using Forwarder.Core.Connections;

namespace Forwarder.Monitoring;

/// <summary>
/// The connection table copied row by row into one array that is kept and reused from one copy to the next, so
/// a table of a million flows costs the engine a pass over its entries once a second and no allocation.
/// </summary>
public sealed class ConnectionRows
{
    private const long MicrosecondsPerSecond = 1_000_000;

    private ConnectionRow[] _rows = [];

    public int Count { get; private set; }

    public ReadOnlySpan<ConnectionRow> Rows => _rows.AsSpan(0, Count);

    /// <summary>Copies every live connection at <paramref name="now"/> (engine µs), in the table's slot order. Engine thread only.</summary>
    public void CopyFrom(ConnectionTable table, long now)
    {
        if (_rows.Length < table.Count)
        {
            _rows = new ConnectionRow[Math.Max(table.Count, _rows.Length * 2)];
        }
        var count = 0;
        foreach (var slot in table.Slots())
        {
            ref var connection = ref table[slot];
            if (connection.ExpiresAt <= now || count == _rows.Length)
            {
                continue;
            }
            _rows[count++] = new ConnectionRow
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
        Count = count;
    }
}
