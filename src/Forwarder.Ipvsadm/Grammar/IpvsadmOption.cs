namespace Forwarder.Ipvsadm.Grammar;

/// <summary>The option groups ipvsadm checks against each command, with the names its messages use.</summary>
public enum IpvsadmOption
{
    Numeric,
    Connection,
    ServiceAddress,
    Scheduler,
    Persistent,
    Netmask,
    RealServer,
    ForwardingMethod,
    Weight,
    UpperThreshold,
    LowerThreshold,
    McastInterface,
    Timeout,
    Daemon,
    Stats,
    Rate,
    Thresholds,
    PersistentConnections,
    NoSort,
    SyncId,
    Exact,
    OnePacket,
    PersistenceEngine,
    SchedulerFlags,
}
