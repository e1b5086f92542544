namespace Forwarder.Ipvsadm.Grammar;

/// <summary>
/// A --start-daemon or --stop-daemon as ipvsadm reads it: the state (master or backup) and the daemon options,
/// each null when not given (then ipvsadm sends eth0 and the kernel lists syncid 0, maxlen 1472, group 224.0.0.81,
/// port 8848, ttl 1).
/// </summary>
public sealed record SyncDaemonRequest(
    bool Master,
    string? Interface = null,
    int? SyncId = null,
    int? SyncMaxlen = null,
    string? McastGroup = null,
    int? McastPort = null,
    int? McastTtl = null);
