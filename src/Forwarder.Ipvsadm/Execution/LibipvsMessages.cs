using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Grammar;

namespace Forwarder.Ipvsadm.Execution;

/// <summary>
/// libipvs 1.26's <c>ipvs_strerror</c>: the words for a kernel refusal depend on which call was refused
/// (an unknown scheduler on -A or -E, ENOENT, reads "Scheduler or persistence engine not found").
/// </summary>
internal static class LibipvsMessages
{
    public static string For(IpvsadmCommandKind command, IpvsException refusal) => (command, refusal.Error) switch
    {
        (IpvsadmCommandKind.AddService, IpvsError.ServiceExists) => "Service already exists",
        (IpvsadmCommandKind.EditService or IpvsadmCommandKind.DeleteService or IpvsadmCommandKind.Zero, IpvsError.NoSuchService) =>
            "No such service",
        (IpvsadmCommandKind.AddServer or IpvsadmCommandKind.EditServer or IpvsadmCommandKind.DeleteServer, IpvsError.ServiceNotDefined) =>
            "Service not defined",
        (IpvsadmCommandKind.AddServer, IpvsError.DestinationExists) => "Destination already exists",
        (IpvsadmCommandKind.EditServer or IpvsadmCommandKind.DeleteServer, IpvsError.NoSuchDestination) => "No such destination",
        (IpvsadmCommandKind.StartDaemon, IpvsError.DaemonExists) => "Daemon has already run",
        (IpvsadmCommandKind.StopDaemon, IpvsError.NoDaemonRunning) => "No daemon is running",
        // Errors of no particular call: strerror's words.
        (_, IpvsError.NoSuchDevice) => "No such device",
        _ => refusal.Message,
    };

    /// <summary><c>list_service</c>'s words for a service that is not there (<c>ipvs_get_service</c>, ESRCH).</summary>
    public const string NoSuchService = "No such service";
}
