using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;

namespace Forwarder.Core.Tests.Scheduling;

/// <summary>rr as ip_vs_rr.c: walk on from the last choice in list order (new destinations at the head).</summary>
public sealed class RoundRobinSchedulerTests
{
    private static readonly ServiceKey Key = new(IpProtocol.Tcp, Ipv4Address.Parse("192.168.1.113").Value, 80);

    [Test]
    public void Rr_SeedOrder_FirstFlowGoesToLastAddedDestinationThenWalksTheList()
    {
        var (table, service) = Service(".254", ".253", ".252");

        Assert.That(Picks(service, 4), Is.EqualTo(new[] { ".252", ".253", ".254", ".252" }));
        Assert.That(table.Count, Is.EqualTo(1));
    }

    [Test]
    public void Rr_SkipsWeightZeroDestinations()
    {
        var (table, service) = Service(".254", ".253", ".252");
        table.EditDestination(Key, new DestinationSpec(Address(".253"), 80, ForwardingMethod.Masquerade, Weight: 0));

        Assert.That(Picks(service, 4), Is.EqualTo(new[] { ".252", ".254", ".252", ".254" }));
    }

    [Test]
    public void Rr_SkipsOverloadedDestinations()
    {
        var (_, service) = Service(".254", ".253", ".252");
        service.FindDestination(Address(".252"), 80)!.IsOverloaded = true;

        Assert.That(Picks(service, 3), Is.EqualTo(new[] { ".253", ".254", ".253" }));
    }

    [Test]
    public void Rr_NoUsableDestination_ReturnsNull()
    {
        var (_, service) = Service(".254", ".253");
        foreach (var destination in service.Destinations)
        {
            destination.Weight = 0;
        }

        Assert.That(service.Scheduler.Schedule(service, default), Is.Null);
    }

    [Test]
    public void Rr_NoDestination_ReturnsNull()
    {
        var (_, service) = Service();

        Assert.That(service.Scheduler.Schedule(service, default), Is.Null);
    }

    [Test]
    public void Rr_OnlyTheLastChosenIsUsable_ChoosesItAgain()
    {
        var (_, service) = Service(".254", ".253", ".252");
        Assert.That(Picks(service, 1), Is.EqualTo(new[] { ".252" }));
        service.FindDestination(Address(".253"), 80)!.Weight = 0;
        service.FindDestination(Address(".254"), 80)!.IsOverloaded = true;

        Assert.That(Picks(service, 2), Is.EqualTo(new[] { ".252", ".252" }));
    }

    [Test]
    public void Rr_RemovingTheLastChosenAtTheHead_ResumesWithTheNextInTheList()
    {
        // ip_vs_rr_del_dest: the position steps back to the entry before the removed one (here the list head).
        var (table, service) = Service(".254", ".253", ".252");
        Picks(service, 1);

        table.DeleteDestination(Key, Address(".252"), 80);

        Assert.That(Picks(service, 3), Is.EqualTo(new[] { ".253", ".254", ".253" }));
    }

    [Test]
    public void Rr_RemovingTheLastChosenInTheMiddle_ResumesWithTheOneAfterIt()
    {
        var (table, service) = Service(".254", ".253", ".252");
        Picks(service, 2);

        table.DeleteDestination(Key, Address(".253"), 80);

        Assert.That(Picks(service, 3), Is.EqualTo(new[] { ".254", ".252", ".254" }));
    }

    [Test]
    public void Rr_RemovingTheLastChosenAtTheTail_WrapsToTheHead()
    {
        var (table, service) = Service(".254", ".253", ".252");
        Picks(service, 3);

        table.DeleteDestination(Key, Address(".254"), 80);

        Assert.That(Picks(service, 2), Is.EqualTo(new[] { ".252", ".253" }));
    }

    [Test]
    public void Rr_RemovingAnotherDestination_KeepsThePosition()
    {
        var (table, service) = Service(".254", ".253", ".252");
        Picks(service, 1);

        table.DeleteDestination(Key, Address(".254"), 80);

        Assert.That(Picks(service, 3), Is.EqualTo(new[] { ".253", ".252", ".253" }));
    }

    [Test]
    public void Rr_DestinationAddedAfterChoices_IsReachedWhenTheWalkWrapsToTheHead()
    {
        var (table, service) = Service(".254", ".253", ".252");
        Picks(service, 1);

        table.AddDestination(Key, new DestinationSpec(Address(".251"), 80, ForwardingMethod.Masquerade));

        Assert.That(Picks(service, 4), Is.EqualTo(new[] { ".253", ".254", ".251", ".252" }));
    }

    [Test]
    public void Rr_RemovingTheOnlyDestination_LeavesNothingToChoose()
    {
        var (table, service) = Service(".254");
        Picks(service, 1);

        table.DeleteDestination(Key, Address(".254"), 80);

        Assert.That(service.Scheduler.Schedule(service, default), Is.Null);
    }

    private static (ServiceTable Table, VirtualService Service) Service(params string[] lastOctets)
    {
        var table = new ServiceTable(SchedulerRegistry.Create);
        var service = table.AddService(new ServiceSpec(Key, "rr"));
        foreach (var octet in lastOctets)
        {
            table.AddDestination(Key, new DestinationSpec(Address(octet), 80, ForwardingMethod.Masquerade));
        }
        return (table, service);
    }

    private static Ipv4Address Address(string lastOctet) => Ipv4Address.Parse("192.168.139" + lastOctet);

    private static string[] Picks(VirtualService service, int count) =>
        Enumerable.Range(0, count)
            .Select(_ => service.Scheduler.Schedule(service, default)?.Address.ToString()[^4..] ?? "none")
            .ToArray();
}
