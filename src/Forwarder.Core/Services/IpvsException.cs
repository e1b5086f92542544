namespace Forwarder.Core.Services;

/// <summary>A refused rule-table edit, carrying ipvsadm's own message for it.</summary>
public sealed class IpvsException : Exception
{
    public IpvsException(IpvsError error)
        : base(Describe(error))
    {
        Error = error;
    }

    public IpvsException(IpvsError error, string message)
        : base(message)
    {
        Error = error;
    }

    public IpvsException()
    {
    }

    public IpvsException(string message)
        : base(message)
    {
    }

    public IpvsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public IpvsError Error { get; }

    /// <summary>
    /// The text libipvs's <c>ipvs_strerror</c> (ipvsadm 1.31) gives for each case; the two things Forwarder
    /// lacks (gue/gre encapsulation, a sync daemon where none can run) are refused in the same one-line style.
    /// </summary>
    public static string Describe(IpvsError error) => error switch
    {
        IpvsError.ServiceExists => "Service already exists",
        IpvsError.NoSuchService => "No such service",
        IpvsError.ServiceNotDefined => "Service not defined",
        IpvsError.DestinationExists => "Destination already exists",
        IpvsError.NoSuchDestination => "No such destination",
        IpvsError.SchedulerNotFound => "Scheduler or persistence engine not found",
        IpvsError.AddressNotUnicast or IpvsError.MixedFamilyWithSync => "Invalid operation.  Possibly wrong module version, address not unicast, ...",
        IpvsError.TunnelTypeNotSupported => "Operation not supported: this director encapsulates tunnels as ipip only",
        IpvsError.SyncDaemonNotSupported => "Operation not supported: no connection sync daemon can run here (replay, a rules file, -R)",
        IpvsError.NoDaemonRunning => "No daemon is running",
        IpvsError.DaemonExists => "Daemon has already run",
        IpvsError.NoSuchDevice => "No such device",
        _ => "Invalid argument",
    };
}
