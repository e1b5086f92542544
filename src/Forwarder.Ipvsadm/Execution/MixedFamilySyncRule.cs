using Forwarder.Core.Services;
using Forwarder.Core.Sync;
using Forwarder.Ipvsadm.Grammar;

namespace Forwarder.Ipvsadm.Execution;

/// <summary>
/// The kernel keeps tunnels to real servers of the other address family and the connection sync daemons apart, since
/// the sync protocol carries one family per connection: -a or -e of such a server while a daemon runs, and
/// --start-daemon while such a server exists, are EINVAL (ip_vs_genl_set_cmd checks the first once the service is
/// found, before the server is looked up; the second counts the servers as ipvs->mixed_address_family_dests does).
/// Both seen in the kernel oracle, with libipvs's "Invalid operation" words.
/// </summary>
internal static class MixedFamilySyncRule
{
    public static void Check(IpvsadmCommand command, ServiceTable services, ISyncDaemonHost? daemons)
    {
        if (daemons is null)
        {
            return;
        }
        switch (command.Kind)
        {
            case IpvsadmCommandKind.AddServer or IpvsadmCommandKind.EditServer
                when command.Service is { } key && command.Destination is { } server && AnyRunning(daemons) &&
                     services.TryGet(key, out var service) && server.Address.IsIpv6 != service.Address.IsIpv6:
                throw new IpvsException(IpvsError.MixedFamilyWithSync);
            case IpvsadmCommandKind.StartDaemon when HasMixedFamilyServer(services):
                throw new IpvsException(IpvsError.MixedFamilyWithSync);
        }
    }

    private static bool AnyRunning(ISyncDaemonHost daemons) =>
        daemons.Running(SyncRole.Master) is not null || daemons.Running(SyncRole.Backup) is not null;

    private static bool HasMixedFamilyServer(ServiceTable services) =>
        services.Services.Any(service => service.Destinations.Any(destination => destination.Address.IsIpv6 != service.Address.IsIpv6));
}
