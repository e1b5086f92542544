namespace Forwarder.Core.Services;

/// <summary>
/// The checksum a gue or gre tunnel puts on its encapsulation: ipvsadm's --tun-nocsum (the default),
/// --tun-csum and --tun-remcsum, numbered as the kernel's tunnel flags are indexed in ipvsadm's listing.
/// </summary>
public enum TunnelChecksum : byte
{
    None = 0,
    Checksum = 1,
    RemoteChecksum = 2,
}
