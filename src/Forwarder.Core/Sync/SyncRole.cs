namespace Forwarder.Core.Sync;

/// <summary>The two sync daemons a director may run, one of each at most (IP_VS_STATE_MASTER, IP_VS_STATE_BACKUP).</summary>
public enum SyncRole
{
    Master,
    Backup,
}
