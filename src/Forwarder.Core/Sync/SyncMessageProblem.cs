namespace Forwarder.Core.Sync;

/// <summary>
/// Why a backup drops a whole sync message, or the rest of it (the kernel's "BACKUP, ..." debug messages): entries read
/// before the problem was met have been taken, as the kernel applies each one as it goes.
/// </summary>
public enum SyncMessageProblem
{
    None,

    /// <summary>Shorter than a v0 header.</summary>
    HeaderTooShort,

    /// <summary>The header's size is not the datagram's length ("bogus message size").</summary>
    SizeMismatch,

    /// <summary>The backup has a syncid and the message another ("Ignoring syncid").</summary>
    OtherSyncId,

    /// <summary>An entry runs past the end of the datagram ("too small", "msg > buffer", v0's "bogus conn").</summary>
    EntryPastEnd,

    /// <summary>An entry's ver_size carries a version other than 0.</summary>
    UnknownEntryVersion,

    /// <summary>
    /// An entry the kernel cannot decode and that stops the message (ip_vs_proc_sync_conn's negative codes): an unknown
    /// type, addresses past its size, a malformed option, a sequence option of the wrong length or given twice.
    /// </summary>
    MalformedEntry,
}
