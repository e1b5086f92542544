using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Listing;

namespace Forwarder.Ipvsadm.Tests.Listing;

/// <summary>ipvsadm sorts services and destinations for display unless --nosort.</summary>
public sealed class SortOrderTests
{
    private const string Header =
        "IP Virtual Server version 1.2.1 (size=4096)\n" +
        "Prot LocalAddress:Port Scheduler Flags\n" +
        "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";

    private static ServiceTable MixedTable()
    {
        var table = new ServiceTable(SchedulerRegistry.Create);
        var udp = ListingTables.Udp("192.168.1.20", 53);
        var https = ListingTables.Tcp("192.168.1.113", 443);
        var http = ListingTables.Tcp("192.168.1.113", 80);
        var other = ListingTables.Tcp("192.168.1.100", 8080);
        foreach (var key in new[] { udp, https, http, other })
        {
            table.AddService(new ServiceSpec(key, "rr"));
        }
        table.AddDestination(http, new DestinationSpec(Ipv4Address.Parse("192.168.139.131"), 8080, ForwardingMethod.DirectRoute));
        table.AddDestination(http, new DestinationSpec(Ipv4Address.Parse("192.168.139.129"), 80, ForwardingMethod.DirectRoute));
        table.AddDestination(http, new DestinationSpec(Ipv4Address.Parse("192.168.139.131"), 80, ForwardingMethod.DirectRoute));
        return table;
    }

    [Test]
    public void Sorted_ServicesByProtocolAddressPort_DestinationsByAddressPort()
    {
        var text = new ServiceListing().ListAll(MixedTable(), new ListingOptions { Numeric = true });

        Assert.That(text, Is.EqualTo(
            Header +
            "TCP  192.168.1.100:8080 rr\n" +
            "TCP  192.168.1.113:80 rr\n" +
            "  -> 192.168.139.129:80           Route   1      0          0         \n" +
            "  -> 192.168.139.131:80           Route   1      0          0         \n" +
            "  -> 192.168.139.131:8080         Route   1      0          0         \n" +
            "TCP  192.168.1.113:443 rr\n" +
            "UDP  192.168.1.20:53 rr\n"));
    }

    [Test]
    public void NoSort_ServicesInTableOrder_DestinationsHeadFirst()
    {
        var text = new ServiceListing().ListAll(MixedTable(), new ListingOptions { Numeric = true, NoSort = true });

        // As IPVS, each new destination went to the head of the list: the last added comes first.
        Assert.That(text, Is.EqualTo(
            Header +
            "UDP  192.168.1.20:53 rr\n" +
            "TCP  192.168.1.113:443 rr\n" +
            "TCP  192.168.1.113:80 rr\n" +
            "  -> 192.168.139.131:80           Route   1      0          0         \n" +
            "  -> 192.168.139.129:80           Route   1      0          0         \n" +
            "  -> 192.168.139.131:8080         Route   1      0          0         \n" +
            "TCP  192.168.1.100:8080 rr\n"));
    }

    [Test]
    public void AddressesMoreThanHalfTheSpaceApart_SortAsLibipvsSubtractionMakesThem()
    {
        // libipvs compares (int)(a - b) of the unsigned addresses: 10.0.0.5 - 192.168.1.113 wraps to a positive
        // int, so ipvsadm lists 10.0.0.5 after 192.168.1.113, and 192.168.1.113 after 172.16.0.1 still.
        var table = new ServiceTable(SchedulerRegistry.Create);
        foreach (var address in new[] { "10.0.0.5", "192.168.1.113", "172.16.0.1" })
        {
            table.AddService(new ServiceSpec(ListingTables.Tcp(address, 80), "rr"));
        }

        var text = new ServiceListing().Save(table, new ListingOptions { Numeric = true });

        Assert.That(text, Is.EqualTo(
            "-A -t 172.16.0.1:80 -s rr\n" +
            "-A -t 192.168.1.113:80 -s rr\n" +
            "-A -t 10.0.0.5:80 -s rr\n"));
    }
}
