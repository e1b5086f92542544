namespace Forwarder.Core.Sync;

/// <summary>Why a backup could not take an entry the kernel would have taken: what this director cannot carry, and its own limits.</summary>
public enum SyncApplyProblem
{
    /// <summary>SCTP, AH or ESP: valid for the kernel, not forwarded by this director.</summary>
    UnsupportedProtocol,

    /// <summary>Local-node or bypass forwarding, and no configured real server to take the method from.</summary>
    UnsupportedForwarding,

    /// <summary>No route toward the real server (or, for NAT, toward the client).</summary>
    NoRoute,

    /// <summary>The connection table is full.</summary>
    TableFull,

    /// <summary>A template with a client port, which this director never keys templates by.</summary>
    TemplateClientPort,

    /// <summary>The expiry message of a connection already replaced by one to another real server (ignored, as the kernel does).</summary>
    StaleExpiry,
}
