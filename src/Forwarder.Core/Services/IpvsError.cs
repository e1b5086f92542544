namespace Forwarder.Core.Services;

/// <summary>Why the rule table refused an edit: the cases libipvs names, with its words.</summary>
public enum IpvsError
{
    ServiceExists,
    NoSuchService,
    ServiceNotDefined,
    DestinationExists,
    NoSuchDestination,
    SchedulerNotFound,
    BadArgument,

    /// <summary>EINVAL from ip_vs_new_dest: the real server's address is not unicast (nor local).</summary>
    AddressNotUnicast,

    /// <summary>A gue or gre tunnel: the kernel has them, Forwarder's data path encapsulates IP-in-IP only.</summary>
    TunnelTypeNotSupported,

    /// <summary>--start-daemon where no sync daemon can run (replay, a rules file, -R).</summary>
    SyncDaemonNotSupported,

    /// <summary>ESRCH from --stop-daemon: no sync daemon of that kind runs.</summary>
    NoDaemonRunning,

    /// <summary>EEXIST from --start-daemon: a sync daemon of that kind already runs.</summary>
    DaemonExists,

    /// <summary>ENODEV from --start-daemon: no interface of that name.</summary>
    NoSuchDevice,

    /// <summary>
    /// EINVAL: a real server of the other address family while a sync daemon runs, or a sync daemon while such a
    /// server exists (the sync protocol cannot carry mixed-family connections).
    /// </summary>
    MixedFamilyWithSync,
}
