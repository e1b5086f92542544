using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;

namespace Forwarder.Core.Tests.Connections;

/// <summary>-x/-y as ip_vs_bind_dest / ip_vs_unbind_dest: the overload mark set at the upper threshold, cleared below the lower.</summary>
public sealed class ThresholdTests
{
    private static readonly ServiceKey Key = new(IpProtocol.Tcp, Ipv4Address.Parse("10.0.0.1").Value, 80);
    private const long Start = 1_700_000_000_000_000;

    private static (ConnectionTable Table, Destination Server) Rig(int upper, int lower)
    {
        var services = new ServiceTable(SchedulerRegistry.Create);
        services.AddService(new ServiceSpec(Key, "rr"));
        var server = services.AddDestination(Key, new DestinationSpec(Ipv4Address.Parse("10.0.1.1"), 80, ForwardingMethod.Masquerade, 1, upper, lower));
        return (new ConnectionTable(new ConnectionTimeouts()), server);
    }

    private static int Add(ConnectionTable table, Destination server, ushort port) =>
        table.Add(new Connection
        {
            Protocol = (byte)IpProtocol.Udp,
            ClientAddress = 0x0A000202,
            ClientPort = port,
            VirtualAddress = Key.Address,
            VirtualPort = 80,
            DestinationAddress = server.Address,
            DestinationPort = 80,
            Method = ForwardingMethod.Masquerade,
            Destination = server,
        }, Start);

    [Test]
    public void UpperThreshold_MarksOverloadedWhenReached_LowerClearsBelowIt()
    {
        var (table, server) = Rig(upper: 3, lower: 1);
        var slots = new List<int> { Add(table, server, 1), Add(table, server, 2) };
        Assert.That(server.IsOverloaded, Is.False, "2 < 3");
        slots.Add(Add(table, server, 3));
        Assert.That(server.IsOverloaded, Is.True, "3 connections reach -x 3");

        table.Remove(slots[0]);
        table.Remove(slots[1]);
        Assert.That(server.IsOverloaded, Is.True, "1 is not below -y 1");
        table.Remove(slots[2]);
        Assert.That(server.IsOverloaded, Is.False, "0 < 1");
    }

    [Test]
    public void WithoutLowerThreshold_ClearsBelowThreeQuartersOfTheUpper()
    {
        var (table, server) = Rig(upper: 4, lower: 0);
        var slots = Enumerable.Range(1, 4).Select(p => Add(table, server, (ushort)p)).ToList();
        Assert.That(server.IsOverloaded, Is.True);
        table.Remove(slots[0]);
        Assert.That(server.IsOverloaded, Is.True, "3 * 4 = 12 is not below 4 * 3 = 12");
        table.Remove(slots[1]);
        Assert.That(server.IsOverloaded, Is.False, "2 * 4 = 8 < 12");
    }

    [Test]
    public void RaisingOrRemovingTheUpperThreshold_LiftsTheMark()
    {
        var services = new ServiceTable(SchedulerRegistry.Create);
        services.AddService(new ServiceSpec(Key, "rr"));
        var server = services.AddDestination(Key, new DestinationSpec(Ipv4Address.Parse("10.0.1.1"), 80, ForwardingMethod.Masquerade, 1, 2, 0));
        server.IsOverloaded = true;
        services.EditDestination(Key, new DestinationSpec(server.Address, 80, ForwardingMethod.Masquerade, 1, 2, 0));
        Assert.That(server.IsOverloaded, Is.True, "the same threshold keeps the mark");
        services.EditDestination(Key, new DestinationSpec(server.Address, 80, ForwardingMethod.Masquerade, 1, 5, 0));
        Assert.That(server.IsOverloaded, Is.False, "a higher threshold lifts it");
    }
}
