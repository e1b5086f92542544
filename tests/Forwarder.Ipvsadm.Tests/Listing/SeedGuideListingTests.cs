using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Listing;

namespace Forwarder.Ipvsadm.Tests.Listing;

/// <summary>
/// Every <c>ipvsadm -Ln</c> of the seed guide, reproduced byte for byte. The guide's copy lost some trailing
/// blanks of the last destination line (it shows 0, 1 or 2 where ipvsadm's <c>%-10u\n</c> prints 9 after a
/// one-digit count); these expectations keep the blanks ipvsadm prints, on every line.
/// </summary>
public sealed class SeedGuideListingTests
{
    private const string Header =
        "IP Virtual Server version 1.2.1 (size=4096)\n" +
        "Prot LocalAddress:Port Scheduler Flags\n" +
        "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";

    private static readonly ListingOptions Numeric = new() { Numeric = true };

    [Test]
    public void ExampleOne_ListsTheServiceAndItsThreeMasqueradedServers()
    {
        var text = new ServiceListing().ListAll(ListingTables.ExampleOne(), Numeric);

        Assert.That(text, Is.EqualTo(
            Header +
            "TCP  192.168.1.113:80 rr\n" +
            "  -> 192.168.139.129:80           Masq    1      0          0         \n" +
            "  -> 192.168.139.131:80           Masq    1      0          0         \n" +
            "  -> 192.168.139.144:80           Masq    1      0          0         \n"));
    }

    [Test]
    public void ExampleOne_AfterDeletingDotOneFourFour_ListsTwoServers()
    {
        var table = ListingTables.ExampleOne();
        table.DeleteDestination(ListingTables.WebService, Ipv4Address.Parse("192.168.139.144"), 80);

        var text = new ServiceListing().ListAll(table, Numeric);

        Assert.That(text, Is.EqualTo(
            Header +
            "TCP  192.168.1.113:80 rr\n" +
            "  -> 192.168.139.129:80           Masq    1      0          0         \n" +
            "  -> 192.168.139.131:80           Masq    1      0          0         \n"));
    }

    [Test]
    public void ClearedTable_ListsOnlyTheVersionLineAndTitle()
    {
        var table = ListingTables.ExampleOne();
        table.Clear();

        var text = new ServiceListing().ListAll(table, Numeric);

        Assert.That(text, Is.EqualTo(Header));
    }

    [Test]
    public void ExampleOne_AfterSchedulerEditedToWrr_ShowsWrr()
    {
        var table = ListingTables.ExampleOne();
        // ipvsadm -E -t 192.168.1.113:80 -s wrr (the registry has no wrr yet: the stand-in carries the name).
        ListingTables.Service(table, ListingTables.WebService).Scheduler = new NamedSchedulerStub("wrr");

        var text = new ServiceListing().ListAll(table, Numeric);

        Assert.That(text, Is.EqualTo(
            Header +
            "TCP  192.168.1.113:80 wrr\n" +
            "  -> 192.168.139.129:80           Masq    1      0          0         \n" +
            "  -> 192.168.139.131:80           Masq    1      0          0         \n" +
            "  -> 192.168.139.144:80           Masq    1      0          0         \n"));
    }

    [Test]
    public void ExampleTwo_ListsRoutedServersWithTheirWeights()
    {
        var text = new ServiceListing().ListAll(ListingTables.ExampleTwo(), Numeric);

        Assert.That(text, Is.EqualTo(
            Header +
            "TCP  192.168.1.113:80 wrr\n" +
            "  -> 192.168.139.129:80           Route   1      0          0         \n" +
            "  -> 192.168.139.131:80           Route   3      0          0         \n" +
            "  -> 192.168.139.144:80           Route   2      0          0         \n"));
    }

    [Test]
    public void ExampleOne_WithoutNumeric_NamesThePort()
    {
        var names = new ServicesFileNameResolver(null);

        var text = new ServiceListing(names).ListAll(ListingTables.ExampleOne(), ListingOptions.Default);

        Assert.That(text, Is.EqualTo(
            Header +
            "TCP  192.168.1.113:http rr\n" +
            "  -> 192.168.139.129:http         Masq    1      0          0         \n" +
            "  -> 192.168.139.131:http         Masq    1      0          0         \n" +
            "  -> 192.168.139.144:http         Masq    1      0          0         \n"));
    }

    [Test]
    public void WithoutNumeric_HostNamesFromTheResolver_ReplaceAddresses()
    {
        var hosts = new Dictionary<Ipv4Address, string> { [Ipv4Address.Parse("192.168.139.129")] = "web2" };
        var names = new ServicesFileNameResolver(null, address => hosts.GetValueOrDefault(address));
        var table = ListingTables.ExampleOne();

        var text = new ServiceListing(names).ListAll(table, ListingOptions.Default);

        Assert.That(text, Does.Contain("  -> web2:http                    Masq    1      0          0         \n"));
    }

    [Test]
    public void OneService_ListsTitleAndServiceWithoutVersionLine()
    {
        var table = ListingTables.ExampleOne();
        var service = ListingTables.Service(table, ListingTables.WebService);

        var text = new ServiceListing().ListService(service, Numeric);

        Assert.That(text, Is.EqualTo(
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "TCP  192.168.1.113:80 rr\n" +
            "  -> 192.168.139.129:80           Masq    1      0          0         \n" +
            "  -> 192.168.139.131:80           Masq    1      0          0         \n" +
            "  -> 192.168.139.144:80           Masq    1      0          0         \n"));
    }

    [Test]
    public void PersistentService_ShowsTimeoutAndMask_AndUdpAndTunnel()
    {
        var table = new ServiceTable(SchedulerRegistry.Create);
        var key = ListingTables.Udp("10.1.1.1", 53);
        table.AddService(new ServiceSpec(key, "rr", PersistenceTimeout: 300, PersistenceMask: 0xFFFFFF00));
        table.AddDestination(key, new DestinationSpec(Ipv4Address.Parse("10.1.2.3"), 5353, ForwardingMethod.Tunnel, 0));

        var text = new ServiceListing().ListAll(table, Numeric);

        Assert.That(text, Is.EqualTo(
            Header +
            "UDP  10.1.1.1:53 rr persistent 300 mask 255.255.255.0\n" +
            "  -> 10.1.2.3:5353                Tunnel  0      0          0         \n"));
    }

    [Test]
    public void SchedulerFlags_PrintInParenthesesAfterScheduler_NamedAfterTheScheduler()
    {
        var table = new ServiceTable(SchedulerRegistry.Create);
        var service = table.AddService(new ServiceSpec(ListingTables.WebService, "rr", PersistenceTimeout: 60, SchedulerFlags: "sh-port,sh-fallback"));
        service.Scheduler = new NamedSchedulerStub("sh");

        var text = new ServiceListing().ListAll(table, Numeric);

        // ipvsadm 1.28+ names the flag bits in bit order, before the persistence.
        Assert.That(text, Is.EqualTo(Header + "TCP  192.168.1.113:80 sh (sh-fallback,sh-port) persistent 60\n"));
    }

    [Test]
    public void SchedulerFlags_OfOtherSchedulers_AreFlagNumbers()
    {
        var table = new ServiceTable(SchedulerRegistry.Create);
        table.AddService(new ServiceSpec(ListingTables.WebService, "rr", SchedulerFlags: "flag-3,flag-1"));

        var text = new ServiceListing().ListAll(table, Numeric);

        Assert.That(text, Is.EqualTo(Header + "TCP  192.168.1.113:80 rr (flag-1,flag-3)\n"));
    }

    [Test]
    public void LongNames_AreCutAtIpvsadmsColumnWidths()
    {
        var names = new ServicesFileNameResolver(null, _ => "a-very-long-host-name.example.internal");
        var table = ListingTables.ExampleOne();
        table.DeleteDestination(ListingTables.WebService, Ipv4Address.Parse("192.168.139.131"), 80);
        table.DeleteDestination(ListingTables.WebService, Ipv4Address.Parse("192.168.139.144"), 80);

        var text = new ServiceListing(names).ListAll(table, ListingOptions.Default);

        // The service name is cut to 33 characters, a destination's to 28.
        Assert.That(text, Is.EqualTo(
            Header +
            "TCP  a-very-long-host-name.exampl rr\n" +
            "  -> a-very-long-host-name.exampl Masq    1      0          0         \n"));
    }
}
