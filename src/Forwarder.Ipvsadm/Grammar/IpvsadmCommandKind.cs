namespace Forwarder.Ipvsadm.Grammar;

/// <summary>ipvsadm's commands, in the order of its own command table (the option-check table is indexed by it).</summary>
public enum IpvsadmCommandKind
{
    AddService,
    EditService,
    DeleteService,
    Clear,
    List,
    AddServer,
    DeleteServer,
    EditServer,
    SetTimeouts,
    StartDaemon,
    StopDaemon,
    Restore,
    Save,
    Zero,
    Help,
    Version,
}
