namespace Forwarder.Core.Engine;

/// <summary>What becomes of a client packet that found its connection (see <see cref="ExistingConnectionPolicy"/>).</summary>
internal enum ExistingConnectionVerdict
{
    /// <summary>The connection carries it, as usual.</summary>
    Use,

    /// <summary>The connection ends now, and the packet is handled as if none had been found.</summary>
    ExpireAndReschedule,

    /// <summary>The connection's real server is gone: the packet is dropped and the connection left to time out.</summary>
    Drop,
}
