namespace Forwarder.Ipvsadm.Grammar;

/// <summary>
/// A --start-daemon or --stop-daemon as ipvsadm reads it: the state (master or backup) and the daemon options,
/// each null when not given (ipvsadm's defaults are eth0, syncid 255 by the kernel's reading, 1472, 224.0.0.81, 8848, 1).
/// </summary>
public sealed record SyncDaemonRequest(
    bool Master,
    string? Interface = null,
    int? SyncId = null,
    int? SyncMaxlen = null,
    string? McastGroup = null,
    int? McastPort = null,
    int? McastTtl = null);
