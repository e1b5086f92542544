using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;

namespace Forwarder.Core.Tests.Scheduling;

/// <summary>
/// The hashing schedulers see an IPv6 address only through its fold (the kernel's a[0]^a[1]^a[2]^a[3]): an IPv6
/// service whose addresses fold to an IPv4 service's addresses must choose as that service does, flow for flow.
/// </summary>
public sealed class Ipv6FoldSchedulingTests
{
    private const byte Tcp = 6;
    private static readonly uint[] Servers = [0xC0A8_8B81, 0xC0A8_8B82, 0xC0A8_8B83, 0xC0A8_8B84, 0xC0A8_8B85];

    /// <summary>2001:db8:F::2001:db8 written so that its four words XOR to <paramref name="fold"/>.</summary>
    private static InetAddress WithFold(uint fold) => InetAddress.FromIpv6(0x2001_0DB8_0000_0000UL | fold, 0x2001_0DB8UL);

    private static VirtualService Service(ServiceTable table, InetAddress address, string scheduler, bool ipv6)
    {
        var key = new ServiceKey(IpProtocol.Tcp, address, 80);
        var service = table.AddService(new ServiceSpec(key, scheduler));
        foreach (var server in Servers)
        {
            table.AddDestination(key, new DestinationSpec(ipv6 ? WithFold(server) : InetAddress.FromIpv4(server), 80, ForwardingMethod.Masquerade));
        }
        return service;
    }

    [TestCase("sh", true)]
    [TestCase("mh", true)]
    [TestCase("dh", true)]
    [TestCase("lblc", false)]
    [TestCase("lblcr", false)]
    public void Ipv6Flow_ChoosesAsTheIpv4FlowOfItsFold(string scheduler, bool hashes)
    {
        var table = new ServiceTable(SchedulerRegistry.Create);
        var v4 = Service(table, InetAddress.FromIpv4(0xC0A8_0171), scheduler, ipv6: false);
        var v6 = Service(table, WithFold(0xC0A8_0171), scheduler, ipv6: true);
        Assert.That(WithFold(0x0A00_0001).Fold(), Is.EqualTo(0x0A00_0001u));
        var random = new Random(6);
        var distinct = new HashSet<uint>();
        for (var flow = 0; flow < 200; flow++)
        {
            var client = (uint)random.Next() | 0x0A00_0000u;
            var port = (ushort)random.Next(1024, 65535);
            // dh, lblc and lblcr hash the destination: many virtual addresses, as a transparent cache sees them.
            var target = 0xC612_0000u | (uint)random.Next(0, 4096);
            var chosen4 = v4.Scheduler.Schedule(v4, new FlowInfo(Tcp, client, port, target, 80, flow));
            var chosen6 = v6.Scheduler.Schedule(v6, new FlowInfo(Tcp, WithFold(client), port, WithFold(target), 80, flow));
            Assert.That(chosen4, Is.Not.Null);
            Assert.That(chosen6?.Address.Fold(), Is.EqualTo(chosen4!.Address.Ipv4Value), $"flow {flow}");
            distinct.Add(chosen4.Address.Ipv4Value);
        }
        // lblc and lblcr give a new target the least loaded server (here always the same: no connection is counted).
        Assert.That(distinct, hashes ? Has.Count.GreaterThan(1) : Has.Count.EqualTo(1), "the hashed flows spread over the servers");
    }

    [Test]
    public void Persistence_KeysAnIpv6ClientByItsPrefix()
    {
        var table = new ServiceTable(SchedulerRegistry.Create);
        var service = table.AddService(new ServiceSpec(new ServiceKey(IpProtocol.Tcp, InetAddress.Parse("2001:db8::113"), 443), "rr",
            PersistenceTimeout: 300, PersistenceMask: 64));
        var plain = table.AddService(new ServiceSpec(new ServiceKey(IpProtocol.Tcp, InetAddress.Parse("2001:db8::114"), 443), "rr",
            PersistenceTimeout: 300, PersistenceMask: 128));
        Assert.Multiple(() =>
        {
            Assert.That(service.PersistenceKeyOf(InetAddress.Parse("2001:db8:1:2:3:4:5:6")), Is.EqualTo(InetAddress.Parse("2001:db8:1:2::")));
            Assert.That(plain.PersistenceKeyOf(InetAddress.Parse("2001:db8:1:2:3:4:5:6")), Is.EqualTo(InetAddress.Parse("2001:db8:1:2:3:4:5:6")));
        });
    }
}
