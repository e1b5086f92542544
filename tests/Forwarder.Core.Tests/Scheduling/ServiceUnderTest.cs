using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;

namespace Forwarder.Core.Tests.Scheduling;

/// <summary>
/// A service in a real <see cref="ServiceTable"/>, so destinations reach the scheduler in the kernel's
/// list order (each new one at the head) and every add, edit and delete notifies it as ipvsadm would.
/// </summary>
internal sealed class ServiceUnderTest
{
    public const string VirtualAddress = "192.168.1.113";
    public const byte Tcp = 6;

    public ServiceUnderTest(string scheduler, string flags = "")
    {
        Key = new ServiceKey(IpProtocol.Tcp, Ipv4Address.Parse(VirtualAddress).Value, 80);
        Service = Table.AddService(new ServiceSpec(Key, scheduler, SchedulerFlags: flags));
    }

    public ServiceTable Table { get; } = new(SchedulerRegistry.Create);

    public ServiceKey Key { get; }

    public VirtualService Service { get; }

    public IScheduler Scheduler => Service.Scheduler;

    public Destination Add(string address, int weight = 1) =>
        Table.AddDestination(Key, new DestinationSpec(Ipv4Address.Parse(address), 80, ForwardingMethod.Masquerade, weight));

    public void Edit(string address, int weight) =>
        Table.EditDestination(Key, new DestinationSpec(Ipv4Address.Parse(address), 80, ForwardingMethod.Masquerade, weight));

    public void Delete(string address) => Table.DeleteDestination(Key, Ipv4Address.Parse(address), 80);

    public void SetFlags(string flags) => Table.EditService(new ServiceSpec(Key, Service.Scheduler.Name, SchedulerFlags: flags));

    public Destination Find(string address) => Service.FindDestination(Ipv4Address.Parse(address), 80)!;

    /// <summary>A new flow from a client to the virtual address (or to <paramref name="target"/>, for dh/lblc/lblcr).</summary>
    public Destination? Next(string client = "10.0.0.1", ushort clientPort = 40000, long now = 0, string? target = null, byte protocol = Tcp) =>
        Scheduler.Schedule(Service, new FlowInfo(protocol, Ipv4Address.Parse(client).Value, clientPort, Ipv4Address.Parse(target ?? VirtualAddress).Value, 80, now));

    /// <summary>The chosen server's address, or "none" when the scheduler finds no usable destination.</summary>
    public string NextAddress(string client = "10.0.0.1", ushort clientPort = 40000, long now = 0, string? target = null, byte protocol = Tcp) =>
        Next(client, clientPort, now, target, protocol)?.Address.ToString() ?? "none";

    /// <summary>New flows, each opening a connection that stays active (as an established TCP flow would).</summary>
    public string[] OpenActive(int count)
    {
        var chosen = new string[count];
        for (var i = 0; i < count; i++)
        {
            var destination = Next();
            if (destination is not null)
            {
                destination.ActiveConnections++;
            }
            chosen[i] = destination?.Address.ToString() ?? "none";
        }
        return chosen;
    }

    public string[] Sequence(int count)
    {
        var chosen = new string[count];
        for (var i = 0; i < count; i++)
        {
            chosen[i] = NextAddress();
        }
        return chosen;
    }

    /// <summary>The client addresses 10.0.a.b for 0..count-1, so the low byte takes every value once per 256.</summary>
    public static IEnumerable<uint> Clients(int count)
    {
        var first = Ipv4Address.Parse("10.0.0.0").Value;
        for (var i = 0; i < count; i++)
        {
            yield return first + (uint)i;
        }
    }
}
