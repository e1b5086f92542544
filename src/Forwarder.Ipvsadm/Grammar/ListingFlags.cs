namespace Forwarder.Ipvsadm.Grammar;

/// <summary>How a listing is asked for (-n, -c, --stats, ...): ipvsadm's list options and print formats.</summary>
[Flags]
public enum ListingFlags
{
    None = 0,
    Numeric = 1,
    Connections = 2,
    Stats = 4,
    Rate = 8,
    Thresholds = 16,
    PersistentConnections = 32,
    NoSort = 64,
    Exact = 128,
    Timeout = 256,
    Daemon = 512,
    TunnelInfo = 1024,
}
