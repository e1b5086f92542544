using Forwarder.Core.Connections;
using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Execution;

/// <summary>
/// Copies of the rule table and timeouts to try a whole -R input on first: the same services (scheduler,
/// persistence, mask, flags, engine, -o) and destinations (method, weight, thresholds, tunnel) in the same list order, so every
/// line meets exactly the refusals it would meet on the real table.
/// </summary>
internal static class ScratchTables
{
    public static ServiceTable CopyOf(ServiceTable table) => CopyOf(table, table.Services);

    /// <summary>A copy of only the named services that exist: all a trial of lines naming just these can meet.</summary>
    public static ServiceTable CopyOf(ServiceTable table, IEnumerable<ServiceKey> keys)
    {
        var services = new List<VirtualService>();
        foreach (var key in keys)
        {
            if (table.TryGet(key, out var service))
            {
                services.Add(service);
            }
        }
        return CopyOf(table, services);
    }

    private static ServiceTable CopyOf(ServiceTable table, IEnumerable<VirtualService> services)
    {
        var copy = new ServiceTable(table.SchedulerFactory) { IsBroadcastAddress = table.IsBroadcastAddress, FirewallMarks = table.FirewallMarks };
        foreach (var service in services)
        {
            copy.AddService(new ServiceSpec(service.Key, service.Scheduler.Name, service.PersistenceTimeout,
                service.PersistenceMask.Value, service.SchedulerFlags, service.PersistenceEngine, service.OnePacket));
            // A destination goes in at the head, so adding from the tail rebuilds the list order.
            for (var i = service.Destinations.Count - 1; i >= 0; i--)
            {
                var destination = service.Destinations[i];
                copy.AddDestination(service.Key, new DestinationSpec(destination.Address, destination.Port, destination.Method,
                    destination.Weight, destination.UpperThreshold, destination.LowerThreshold, destination.TunnelType,
                    destination.TunnelPort, destination.TunnelChecksum));
            }
        }
        return copy;
    }

    public static ConnectionTimeouts CopyOf(ConnectionTimeouts timeouts)
    {
        var copy = new ConnectionTimeouts();
        copy.Set(timeouts.TcpEstablishedSeconds, timeouts.TcpFinWaitSeconds, timeouts.UdpSeconds);
        return copy;
    }
}
