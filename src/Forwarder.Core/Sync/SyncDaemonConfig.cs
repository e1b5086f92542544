using System.Net;
using System.Net.Sockets;

namespace Forwarder.Core.Sync;

/// <summary>
/// A running sync daemon's settings as the kernel keeps them (<c>ipvs_sync_daemon_cfg</c>) and <c>ipvsadm -L --daemon</c>
/// lists them, after <c>start_sync_thread</c> filled in its defaults.
/// </summary>
public sealed record SyncDaemonConfig(SyncRole Role, string Interface, byte SyncId, int MaximumLength, IPAddress Group, int Port, int Ttl)
{
    /// <summary>
    /// As start_sync_thread: group 224.0.0.81, port 8848 and TTL 1 unless given. sync-maxlen is clamped to 1-65507
    /// (a master) or 1024-65507 (a backup) when given; otherwise a master sends what fits a 1500-byte link (1472 over
    /// IPv4) and a backup reads what fits its interface's MTU, taken between 1500 and 65535.
    /// </summary>
    public static SyncDaemonConfig Resolve(SyncRole role, SyncDaemonOptions options, int interfaceMtu)
    {
        var group = options.Group ?? IPAddress.Parse(SyncProtocol.DefaultGroup);
        var headers = group.AddressFamily == AddressFamily.InterNetworkV6 ? 40 + 8 : 20 + 8;
        var mtu = role == SyncRole.Backup ? Math.Clamp(interfaceMtu, 1500, 65535) : 1500;
        var minimum = role == SyncRole.Backup ? 1024 : 1;
        var maximumLength = options.MaximumLength is { } given and > 0 ? Math.Clamp(given, minimum, 65535 - headers) : mtu - headers;
        return new SyncDaemonConfig(role, options.Interface, (byte)(options.SyncId ?? 0), maximumLength, group,
            options.Port is { } port and > 0 ? port : SyncProtocol.DefaultPort,
            options.Ttl is { } ttl and > 0 ? ttl : 1);
    }
}
