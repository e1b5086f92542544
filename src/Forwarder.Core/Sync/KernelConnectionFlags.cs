namespace Forwarder.Core.Sync;

/// <summary>The kernel's connection flags as sync carries them (<c>IP_VS_CONN_F_*</c>; only bits 0-15 go on the wire).</summary>
[Flags]
public enum KernelConnectionFlags : uint
{
    Masquerade = 0x0000,
    LocalNode = 0x0001,
    Tunnel = 0x0002,
    DirectRoute = 0x0003,
    Bypass = 0x0004,
    ForwardingMask = 0x0007,
    Synced = 0x0020,
    Hashed = 0x0040,
    NoOutput = 0x0080,
    Inactive = 0x0100,
    OutSequence = 0x0200,
    InSequence = 0x0400,
    SequenceMask = 0x0600,
    NoClientPort = 0x0800,
    Template = 0x1000,
    OnePacket = 0x2000,

    /// <summary>IP_VS_CONN_F_BACKUP_MASK: the bits a backup takes from a message.</summary>
    BackupMask = ForwardingMask | NoOutput | Inactive | SequenceMask | NoClientPort | Template,

    /// <summary>IP_VS_CONN_F_BACKUP_UPD_MASK: the bits a message may change on a connection the backup already has.</summary>
    BackupUpdateMask = Inactive | SequenceMask,
}
