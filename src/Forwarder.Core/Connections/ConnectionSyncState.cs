namespace Forwarder.Core.Connections;

/// <summary>
/// Connection sync's bookkeeping of one connection, as the kernel's <c>in_pkts</c>, <c>sync_endtime</c> and
/// <c>old_state</c>: the client packets counted toward the sync thresholds, when the backups' copy runs out (in 4 ms
/// ticks, the low two bits counting retries) and the state last considered for sync. Kept by the connection table
/// beside the entry (<see cref="ConnectionTable.SyncStateOf"/>), since only a master sync daemon reads it.
/// </summary>
public struct ConnectionSyncState
{
    public int Packets;
    public uint EndTime;
    public TcpState OldState;
}
