using Forwarder.Core;
using Forwarder.Core.Connections;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Grammar;

namespace Forwarder.Ipvsadm.Rules;

/// <summary>Carries out the table-editing ipvsadm commands on a <see cref="ServiceTable"/>, as the kernel's ip_vs_ctl would.</summary>
public static class CommandApplier
{
    /// <summary>strerror(ERANGE), which ipvsadm prints when the kernel refuses thresholds.</summary>
    public const string ThresholdsOutOfRange = "Numerical result out of range";

    /// <summary>Applies one command; a refusal throws <see cref="IpvsException"/> with libipvs's words and leaves the table unchanged.</summary>
    public static void Apply(IpvsadmCommand command, ServiceTable table, ConnectionTimeouts timeouts)
    {
        switch (command.Kind)
        {
            case IpvsadmCommandKind.AddService:
                table.AddService(command.ServiceSettings!);
                break;
            case IpvsadmCommandKind.EditService:
                table.EditService(command.ServiceSettings!);
                break;
            case IpvsadmCommandKind.DeleteService:
                table.DeleteService(command.Service!.Value);
                break;
            case IpvsadmCommandKind.Clear:
                table.Clear();
                break;
            case IpvsadmCommandKind.AddServer:
                CheckThresholds(command, table);
                table.AddDestination(command.Service!.Value, command.Destination!);
                break;
            case IpvsadmCommandKind.EditServer:
                CheckThresholds(command, table);
                table.EditDestination(command.Service!.Value, command.Destination!);
                break;
            case IpvsadmCommandKind.DeleteServer:
                table.DeleteDestination(command.Service!.Value, command.Destination!.Address, command.Destination.Port);
                break;
            case IpvsadmCommandKind.SetTimeouts:
                var (tcp, tcpFin, udp) = command.Timeouts!.Value;
                timeouts.Set(tcp, tcpFin, udp);
                break;
            case IpvsadmCommandKind.Zero:
                Zero(command, table);
                break;
            case IpvsadmCommandKind.StartDaemon:
                // Only the live director runs sync daemons, and only from ipvsadm itself: refuse in libipvs' style.
                throw new IpvsException(IpvsError.SyncDaemonNotSupported);
            case IpvsadmCommandKind.StopDaemon:
                // As ip_vs_ctl's stop_sync_thread with none started: ESRCH.
                throw new IpvsException(IpvsError.NoDaemonRunning);
            default:
                throw new InvalidOperationException($"{command.Kind} does not edit the table");
        }
    }

    /// <summary>Applies a whole rules file in order; the first refusal names its line.</summary>
    public static void ApplyAll(IEnumerable<RuleLine> rules, ServiceTable table, ConnectionTimeouts timeouts)
    {
        foreach (var rule in rules)
        {
            try
            {
                Apply(rule.Command, table, timeouts);
            }
            catch (IpvsException refused)
            {
                throw new LineFormatException(rule.LineNumber, refused.Message);
            }
        }
    }

    /// <summary>
    /// As ip_vs_add_dest and ip_vs_edit_dest: once the service is found, a lower threshold above the upper one
    /// is refused with ERANGE, before the destination itself is looked up.
    /// </summary>
    private static void CheckThresholds(IpvsadmCommand command, ServiceTable table)
    {
        if (!table.TryGet(command.Service!.Value, out _))
        {
            throw new IpvsException(IpvsError.ServiceNotDefined);
        }
        if (command.Destination!.LowerThreshold > command.Destination.UpperThreshold)
        {
            throw new IpvsException(IpvsError.BadArgument, ThresholdsOutOfRange);
        }
    }

    private static void Zero(IpvsadmCommand command, ServiceTable table)
    {
        IEnumerable<VirtualService> services;
        if (command.Service is { } key)
        {
            services = table.TryGet(key, out var service) ? [service] : throw new IpvsException(IpvsError.NoSuchService);
        }
        else
        {
            services = table.Services;
        }
        foreach (var service in services)
        {
            service.Counters.Clear();
            foreach (var destination in service.Destinations)
            {
                destination.Counters.Clear();
            }
        }
    }
}
