namespace Forwarder.Core.Sync;

/// <summary>Why a backup skips one entry and goes on with the next (ip_vs_proc_sync_conn's positive codes, and v0's).</summary>
public enum SyncEntryProblem
{
    None,

    /// <summary>An option the reader does not know without the skippable bit.</summary>
    UnknownMandatoryOption,

    /// <summary>A connection of a protocol IPVS has no handler for.</summary>
    UnsupportedProtocol,

    /// <summary>A connection state beyond its protocol's states.</summary>
    InvalidState,

    /// <summary>Persistence-engine data: without its engine's name, or for an engine this director does not run (SIP's Call-ID).</summary>
    PersistenceEngine,
}
