namespace Forwarder.Core.Connections;

/// <summary>Per-connection flags, after the kernel's <c>IP_VS_CONN_F_*</c> where they mean the same.</summary>
[Flags]
public enum ConnectionFlags : byte
{
    None = 0,

    /// <summary>The slot holds a live connection.</summary>
    InUse = 1,

    /// <summary>Counted in its destination's InActConn rather than ActiveConn.</summary>
    Inactive = 2,

    /// <summary>No server-to-client packet seen yet where none will pass the director: TCP state moves by the input-only table.</summary>
    NoOutput = 4,

    /// <summary>A persistence template, not a flow.</summary>
    Template = 8,

    /// <summary>Out of the lookup index (an invalidated template waiting for its connections to end).</summary>
    Detached = 16,

    /// <summary>Created by connection sync from a master's message (the kernel's IP_VS_CONN_F_SYNC), not scheduled here.</summary>
    Synced = 32,
}
