using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Listing;
using Forwarder.Ipvsadm.Naming;

namespace Forwarder.Ipvsadm.Tests.Execution;

/// <summary>
/// <c>forwarder vip take|release|list</c> as the director's executor runs it from the control socket: it moves the
/// engine's ownership, a take is announced by gratuitous ARP (Neighbour Advertisements for IPv6) on the engine's next tick, and bad requests change nothing.
/// </summary>
public sealed class VirtualAddressCommandTests
{
    private const string Topology = """
        interface eth2 02:00:00:00:00:02 192.168.1.113/24 public
        interface eth1 02:00:00:00:00:01 192.168.139.143/24 private
        """;

    private static (IpvsadmExecutor Executor, DirectorEngine Engine) Rig(bool ownsAll = false)
    {
        var services = new ServiceTable(SchedulerRegistry.Create);
        var key = new ServiceKey(IpProtocol.Tcp, Ipv4Address.Parse("192.168.1.199").Value, 80);
        services.AddService(new ServiceSpec(key, "rr"));
        var engine = new DirectorEngine(TopologyParser.Parse(Topology), services, new ConnectionTable(new ConnectionTimeouts()),
            new EngineSettings { OwnsEveryServiceAddress = ownsAll });
        var state = DirectorState.FromEngine(engine, new ServiceRateEstimators());
        return (new IpvsadmExecutor(state, new ServicesFileNameResolver(null), new IpvsadmParser(ServiceNames.BuiltIn, HostNames.None)), engine);
    }

    private static IpvsadmResult Vip(IpvsadmExecutor executor, params string[] arguments) =>
        executor.Execute([VirtualAddressCommand.Marker, .. arguments]);

    [Test]
    public void Take_ThenList_NamesEachAddressWithTheLinkItIsOwnedOn()
    {
        var (executor, engine) = Rig();

        var taken = Vip(executor, "take", "192.168.1.199", "192.168.139.142");

        Assert.Multiple(() =>
        {
            Assert.That(taken, Is.EqualTo(new IpvsadmResult(0, "", "")));
            Assert.That(Vip(executor, "list"), Is.EqualTo(new IpvsadmResult(0, "192.168.1.199 on eth2\n192.168.139.142 on eth1\n", "")));
            Assert.That(engine.Ownership.OwnsServiceAddress(Ipv4Address.Parse("192.168.1.199").Value), Is.True);
        });
    }

    [Test]
    public void Ipv6Take_IsListed_AndAnnouncedByNeighbourAdvertisementsOnTheNextTick()
    {
        var (executor, engine) = Rig();
        var output = new OutputBatch();

        var taken = Vip(executor, "take", "2001:db8::113", "192.168.1.199");
        engine.AdvanceClock(engine.Now + 1, output);

        Assert.Multiple(() =>
        {
            Assert.That(taken, Is.EqualTo(new IpvsadmResult(0, "", "")));
            Assert.That(Vip(executor, "list").StandardOutput, Is.EqualTo("192.168.1.199 on eth2\n2001:db8::113 on eth2\n"));
            Assert.That((engine.Ownership.UnsolicitedAdvertisementsSent, engine.Ownership.GratuitousArpsSent), Is.EqualTo((5L, 5L)));
            Assert.That(engine.Ownership.OwnsServiceAddress(InetAddress.Parse("2001:db8::113")), Is.True);
        });
    }

    [Test]
    public void Take_IsAnnouncedOnTheEnginesNextTick()
    {
        var (executor, engine) = Rig();
        Vip(executor, "take", "192.168.1.199");
        var output = new OutputBatch();

        engine.AdvanceClock(engine.Now + 1, output);

        Assert.That(output.Count, Is.EqualTo(5));
    }

    [Test]
    public void Release_ThenList_IsEmpty()
    {
        var (executor, _) = Rig();
        Vip(executor, "take", "192.168.1.199", "192.168.139.142");

        var released = Vip(executor, "release", "192.168.1.199", "192.168.139.142");

        Assert.Multiple(() =>
        {
            Assert.That(released, Is.EqualTo(new IpvsadmResult(0, "", "")));
            Assert.That(Vip(executor, "list"), Is.EqualTo(new IpvsadmResult(0, "", "")));
        });
    }

    [Test]
    public void StandaloneDirector_ListsEveryServiceAddress_AndAReleaseKeepsTheOthers()
    {
        var (executor, _) = Rig(ownsAll: true);
        Assert.That(Vip(executor, "list").StandardOutput, Is.EqualTo("every service address\n"));

        Vip(executor, "release", "192.168.1.200");

        Assert.That(Vip(executor, "list").StandardOutput, Is.EqualTo("192.168.1.199 on eth2\n"));
    }

    [TestCase("take", "192.168.1.199", "nonsense", "vip take: nonsense: not an IPv4 or IPv6 unicast address; nothing was done\n", 2)]
    [TestCase("take", "192.168.1.199", "192.168.1.113", "vip take: 192.168.1.113 is an address of the director's own interfaces, not one to take; nothing was done\n", 255)]
    [TestCase("take", "2001:db8::113", "ff02::1", "vip take: ff02::1: not an IPv4 or IPv6 unicast address; nothing was done\n", 2)]
    [TestCase("release", "::", null, "vip release: ::: not an IPv4 or IPv6 unicast address; nothing was done\n", 2)]
    [TestCase("release", "0.0.0.0", null, "vip release: 0.0.0.0: not an IPv4 or IPv6 unicast address; nothing was done\n", 2)]
    public void BadAddress_IsRefusedWithItsName_AndNothingChanges(string action, string first, string? second, string error, int status)
    {
        var (executor, _) = Rig();

        var result = Vip(executor, second is null ? [action, first] : [action, first, second]);

        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo(new IpvsadmResult(status, "", error)));
            Assert.That(Vip(executor, "list").StandardOutput, Is.Empty);
        });
    }

    [TestCase]
    [TestCase("take")]
    [TestCase("list", "192.168.1.199")]
    [TestCase("move", "192.168.1.199")]
    public void BadAction_PrintsTheUsage(params string[] arguments)
    {
        var (executor, _) = Rig();

        Assert.That(Vip(executor, arguments), Is.EqualTo(new IpvsadmResult(2, "", VirtualAddressCommand.Usage + "\n")));
    }
}
