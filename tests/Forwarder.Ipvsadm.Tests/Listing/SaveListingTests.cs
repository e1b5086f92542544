using System.Text;
using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Listing;

namespace Forwarder.Ipvsadm.Tests.Listing;

public sealed class SaveListingTests
{
    private static readonly ServicesFileNameResolver PortNames = new(null);

    /// <summary>
    /// The guide saves with <c>ipvsadm -S</c> and <c>ls -l</c> shows 202 bytes. With port names and numeric
    /// addresses (no reverse DNS for these private addresses), example one saves as one 31-byte -A line and
    /// three 57-byte -a lines: 31 + 3 × 57 = 202. So the guide's file held all three servers (its -d of .144
    /// is shown out of order: the restore puts three back), and no host name was involved.
    /// </summary>
    [Test]
    public void ExampleOne_SavesWithPortNames_In202Bytes()
    {
        var text = new ServiceListing(PortNames).Save(ListingTables.ExampleOne(), ListingOptions.Default);

        Assert.That(text, Is.EqualTo(
            "-A -t 192.168.1.113:http -s rr\n" +
            "-a -t 192.168.1.113:http -r 192.168.139.129:http -m -w 1\n" +
            "-a -t 192.168.1.113:http -r 192.168.139.131:http -m -w 1\n" +
            "-a -t 192.168.1.113:http -r 192.168.139.144:http -m -w 1\n"));
        Assert.That(Encoding.ASCII.GetByteCount(text), Is.EqualTo(202));
    }

    [Test]
    public void ExampleOne_SavedNumerically_UsesPortNumbers()
    {
        var text = new ServiceListing(PortNames).Save(ListingTables.ExampleOne(), new ListingOptions { Numeric = true });

        Assert.That(text, Is.EqualTo(
            "-A -t 192.168.1.113:80 -s rr\n" +
            "-a -t 192.168.1.113:80 -r 192.168.139.129:80 -m -w 1\n" +
            "-a -t 192.168.1.113:80 -r 192.168.139.131:80 -m -w 1\n" +
            "-a -t 192.168.1.113:80 -r 192.168.139.144:80 -m -w 1\n"));
    }

    [Test]
    public void ExampleTwo_SavesRouteAsDashGWithWeights()
    {
        var text = new ServiceListing().Save(ListingTables.ExampleTwo(), new ListingOptions { Numeric = true });

        Assert.That(text, Is.EqualTo(
            "-A -t 192.168.1.113:80 -s wrr\n" +
            "-a -t 192.168.1.113:80 -r 192.168.139.129:80 -g -w 1\n" +
            "-a -t 192.168.1.113:80 -r 192.168.139.131:80 -g -w 3\n" +
            "-a -t 192.168.1.113:80 -r 192.168.139.144:80 -g -w 2\n"));
    }

    [Test]
    public void PersistenceMaskAndSchedulerFlags_SaveAsDashPDashMDashB()
    {
        var table = new ServiceTable(SchedulerRegistry.Create);
        var key = ListingTables.Udp("10.1.1.1", 53);
        var service = table.AddService(new ServiceSpec(key, "rr", PersistenceTimeout: 600, PersistenceMask: 0xFFFF0000, SchedulerFlags: "sh-fallback"));
        service.Scheduler = new NamedSchedulerStub("sh");
        table.AddDestination(key, new DestinationSpec(Ipv4Address.Parse("10.1.2.3"), 53, ForwardingMethod.Tunnel, 5));

        var text = new ServiceListing(PortNames).Save(table, ListingOptions.Default);

        // As ipvsadm 1.31: -p, then -M when not 255.255.255.255, then -b with the flags named for sh; a tunnel names its type.
        Assert.That(text, Is.EqualTo(
            "-A -u 10.1.1.1:domain -s sh -p 600 -M 255.255.0.0 -b sh-fallback\n" +
            "-a -u 10.1.1.1:domain -r 10.1.2.3:domain -i -w 5 --tun-type ipip\n"));
    }

    [Test]
    public void EmptyTable_SavesNothing()
    {
        Assert.That(new ServiceListing().Save(new ServiceTable(SchedulerRegistry.Create), ListingOptions.Default), Is.Empty);
    }
}
