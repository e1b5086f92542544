using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Listing;

namespace Forwarder.Ipvsadm.Tests.Listing;

/// <summary>--stats and --rate, whose counters ipvsadm scales with K/M/G/T unless --exact.</summary>
public sealed class NumbersListingTests
{
    private const string StatsTitle =
        "IP Virtual Server version 1.2.1 (size=4096)\n" +
        "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n" +
        "  -> RemoteAddress:Port\n";

    private static ServiceTable TableWithCounters()
    {
        var table = ListingTables.ExampleOne();
        table.DeleteDestination(ListingTables.WebService, Forwarder.Core.Frames.Ipv4Address.Parse("192.168.139.131"), 80);
        table.DeleteDestination(ListingTables.WebService, Forwarder.Core.Frames.Ipv4Address.Parse("192.168.139.144"), 80);
        var service = ListingTables.Service(table, ListingTables.WebService).Counters;
        service.Connections = 123;
        service.InPackets = 123_456_789;
        service.OutPackets = 5_000_000_000;
        service.InBytes = 250_000_000_000;
        service.OutBytes = 123_456_789_012_345_678;
        var destination = ListingTables.Destination(table, ListingTables.WebService, "192.168.139.129", 80).Counters;
        destination.Connections = 99_999_999;
        destination.InPackets = 100_000_000;
        destination.OutPackets = 999_999_999;
        destination.InBytes = 1_000_000_000;
        destination.OutBytes = 99_999_999_999_999;
        return table;
    }

    [Test]
    public void Stats_ScaleFromOneHundredMillion()
    {
        var text = new ServiceListing().ListAll(TableWithCounters(), new ListingOptions { Numeric = true, Detail = ListingDetail.Stats });

        Assert.That(text, Is.EqualTo(
            StatsTitle +
            "TCP  192.168.1.113:80                  123  123456K    5000M     250G  123456T\n" +
            "  -> 192.168.139.129:80           99999999  100000K  999999K    1000M   99999G\n"));
    }

    [Test]
    public void StatsExact_PrintsWholeNumbers_KeepingOneSpaceBeforeWideOnes()
    {
        var text = new ServiceListing().ListAll(TableWithCounters(), new ListingOptions { Numeric = true, Detail = ListingDetail.Stats, Exact = true });

        Assert.That(text, Is.EqualTo(
            StatsTitle +
            "TCP  192.168.1.113:80                  123 123456789 5000000000 250000000000 123456789012345678\n" +
            "  -> 192.168.139.129:80           99999999 100000000 999999999 1000000000 99999999999999\n"));
    }

    [Test]
    public void Rate_ShowsTheEstimatorsFigures()
    {
        var table = TableWithCounters();
        var service = ListingTables.Service(table, ListingTables.WebService);
        var destination = ListingTables.Destination(table, ListingTables.WebService, "192.168.139.129", 80);
        var rates = new ServiceRateEstimators();
        rates.Sample(table, 0);
        // Two seconds of traffic: 100 connections, 1000/500 packets, 1 MB in and 4 MB out, all through .129.
        foreach (var counters in new[] { service.Counters, destination.Counters })
        {
            counters.Connections += 100;
            counters.InPackets += 1000;
            counters.OutPackets += 500;
            counters.InBytes += 1_000_000;
            counters.OutBytes += 4_000_000;
        }
        rates.Sample(table, RateEstimator.IntervalMicroseconds);

        var text = new ServiceListing(rates: rates).ListAll(table, new ListingOptions { Numeric = true, Detail = ListingDetail.Rate });

        // The first tick moves each average a quarter of the way to the 2-second rate, and reading rounds halves
        // down ((x + 0x1FF) >> 10): 50 cps → 12.5 → 12, 500 in-pps → 125, 250 out-pps → 62.5 → 62, 500 kB/s in → 125000.
        Assert.That(text, Is.EqualTo(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  192.168.1.113:80                   12      125       62   125000   500000\n" +
            "  -> 192.168.139.129:80                 12      125       62   125000   500000\n"));
    }

    [Test]
    public void Thresholds_ListUpperLowerAndConnectionCounts()
    {
        var table = ListingTables.ExampleOne();
        table.EditDestination(ListingTables.WebService,
            new DestinationSpec(Forwarder.Core.Frames.Ipv4Address.Parse("192.168.139.131"), 80, ForwardingMethod.Masquerade, 1, UpperThreshold: 100, LowerThreshold: 50));

        var text = new ServiceListing().ListAll(table, new ListingOptions { Numeric = true, Detail = ListingDetail.Thresholds });

        Assert.That(text, Is.EqualTo(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  192.168.1.113:80 rr\n" +
            "  -> 192.168.139.129:80           0          0          0          0         \n" +
            "  -> 192.168.139.131:80           100        50         0          0         \n" +
            "  -> 192.168.139.144:80           0          0          0          0         \n"));
    }

    [Test]
    public void PersistentConnections_ListWeightAndTemplatesPerServer()
    {
        var table = ListingTables.ExampleOne();
        ListingTables.Destination(table, ListingTables.WebService, "192.168.139.144", 80).PersistentConnections = 7;

        var text = new ServiceListing().ListAll(table, new ListingOptions { Numeric = true, Detail = ListingDetail.PersistentConnections });

        Assert.That(text, Is.EqualTo(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  192.168.1.113:80 rr\n" +
            "  -> 192.168.139.129:80           1         0           0          0         \n" +
            "  -> 192.168.139.131:80           1         0           0          0         \n" +
            "  -> 192.168.139.144:80           1         7           0          0         \n"));
    }

    [TestCase(0UL, false, "        0")]
    [TestCase(99_999_999UL, false, " 99999999")]
    [TestCase(100_000_000UL, false, "  100000K")]
    [TestCase(999_999_999UL, false, "  999999K")]
    [TestCase(1_000_000_000UL, false, "    1000M")]
    [TestCase(99_999_999_999UL, false, "   99999M")]
    [TestCase(100_000_000_000UL, false, "     100G")]
    [TestCase(100_000_000_000_000UL, false, "     100T")]
    [TestCase(ulong.MaxValue, false, "18446744T")]
    [TestCase(123_456_789UL, true, " 123456789")]
    [TestCase(42UL, true, "       42")]
    public void LargeNumbers_AreFormattedAsPrintLargenum(ulong value, bool exact, string expected)
    {
        Assert.That(LargeNumberFormat.Format(value, exact), Is.EqualTo(expected));
    }
}
