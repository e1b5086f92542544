using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Tests.Listing;

/// <summary>The rule tables of the seed guide (lvs-ipvsadm-guide.txt), built as its ipvsadm commands build them.</summary>
internal static class ListingTables
{
    public static readonly ServiceKey WebService = Tcp("192.168.1.113", 80);

    public static ServiceKey Tcp(string address, ushort port) => new(IpProtocol.Tcp, Ipv4Address.Parse(address).Value, port);

    public static ServiceKey Udp(string address, ushort port) => new(IpProtocol.Udp, Ipv4Address.Parse(address).Value, port);

    /// <summary>
    /// Example one: <c>-A -t 192.168.1.113:80 -s rr</c>, then <c>-a ... -r 192.168.139.{129,131,144}:80 -m</c>.
    /// </summary>
    public static ServiceTable ExampleOne()
    {
        var table = new ServiceTable(SchedulerRegistry.Create);
        table.AddService(new ServiceSpec(WebService, "rr"));
        foreach (var server in new[] { "192.168.139.129", "192.168.139.131", "192.168.139.144" })
        {
            table.AddDestination(WebService, new DestinationSpec(Ipv4Address.Parse(server), 80, ForwardingMethod.Masquerade, 1));
        }
        return table;
    }

    /// <summary>
    /// Example two (DR, wrr): .129 -g -w 1, .144 -g -w 2, .131 -g -w 3. The guide writes the last as -e, which
    /// could only have succeeded as -a; its listing shows all three. No wrr scheduler exists yet in
    /// SchedulerRegistry, so the service gets a stand-in that only carries the name.
    /// </summary>
    public static ServiceTable ExampleTwo()
    {
        var table = new ServiceTable(SchedulerRegistry.Create);
        var service = table.AddService(new ServiceSpec(WebService, "rr"));
        service.Scheduler = new NamedSchedulerStub("wrr");
        table.AddDestination(WebService, new DestinationSpec(Ipv4Address.Parse("192.168.139.129"), 80, ForwardingMethod.DirectRoute, 1));
        table.AddDestination(WebService, new DestinationSpec(Ipv4Address.Parse("192.168.139.144"), 80, ForwardingMethod.DirectRoute, 2));
        table.AddDestination(WebService, new DestinationSpec(Ipv4Address.Parse("192.168.139.131"), 80, ForwardingMethod.DirectRoute, 3));
        return table;
    }

    public static VirtualService Service(ServiceTable table, ServiceKey key) =>
        table.TryGet(key, out var service) ? service : throw new InvalidOperationException($"no service {key}");

    public static Destination Destination(ServiceTable table, ServiceKey key, string address, ushort port) =>
        Service(table, key).FindDestination(Ipv4Address.Parse(address), port) ?? throw new InvalidOperationException($"no destination {address}:{port}");
}
