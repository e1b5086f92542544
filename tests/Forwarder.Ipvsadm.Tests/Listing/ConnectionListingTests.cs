using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Listing;

namespace Forwarder.Ipvsadm.Tests.Listing;

/// <summary><c>ipvsadm -Lc</c> and <c>-Lcn</c> over a connection table.</summary>
public sealed class ConnectionListingTests
{
    private const long Second = 1_000_000;
    private const long Start = 1_000 * Second;

    private const string Title =
        "IPVS connection entries\n" +
        "pro expire state       source             virtual            destination\n";

    private static (ConnectionTable Table, long Now) TableWithConnections()
    {
        var services = ListingTables.ExampleOne();
        var web2 = ListingTables.Destination(services, ListingTables.WebService, "192.168.139.129", 80);
        var table = new ConnectionTable(new ConnectionTimeouts());

        // A TCP flow taken through SYN and ACK to ESTABLISHED (900 s).
        var established = table.Add(Flow(IpProtocol.Tcp, "192.168.1.106", 51729, web2), Start);
        table.Touch(established, PacketDirection.Input, FrameLayout.TcpSyn, Start);
        table.Touch(established, PacketDirection.Input, FrameLayout.TcpAck, Start);

        // A TCP flow that has only sent its SYN (SYN_RECV, 60 s).
        var opening = table.Add(Flow(IpProtocol.Tcp, "192.168.1.107", 40000, web2), Start);
        table.Touch(opening, PacketDirection.Input, FrameLayout.TcpSyn, Start);

        // A UDP flow (300 s).
        var udp = table.Add(Flow(IpProtocol.Udp, "192.168.1.108", 5353, web2), Start);
        table.Touch(udp, PacketDirection.Input, 0, Start);

        // A persistence template: client port 0, kept for the service's persistence timeout (here 360 s).
        var template = Flow(IpProtocol.Tcp, "192.168.1.106", 0, web2);
        template.Flags = ConnectionFlags.Template;
        var templateSlot = table.Add(template, Start);
        table[templateSlot].ExpiresAt = Start + (360 * Second);

        // A flow in NONE whose 2 s have run out by the time of the listing: gone, as the kernel's timer removes it.
        table.Add(Flow(IpProtocol.Tcp, "192.168.1.109", 1234, web2), Start);

        return (table, Start + (10 * Second) + (Second / 2));
    }

    private static Connection Flow(IpProtocol protocol, string client, ushort clientPort, Destination destination) => new()
    {
        Protocol = (byte)protocol,
        ClientAddress = Ipv4Address.Parse(client).Value,
        ClientPort = clientPort,
        VirtualAddress = destination.Service.Address,
        VirtualPort = destination.Service.Port,
        DestinationAddress = destination.Address,
        DestinationPort = destination.Port,
        Method = destination.Method,
        Destination = destination,
    };

    [Test]
    public void Numeric_ListsStateExpiryAndAddresses()
    {
        var (table, now) = TableWithConnections();

        var text = new ConnectionListing().List(table, now, new ListingOptions { Numeric = true });

        // 10.5 s later: 889.5 s left shows as 14:49 (whole seconds, rounded down), 49.5 s as 00:49.
        Assert.That(text, Is.EqualTo(
            Title +
            "TCP 14:49  ESTABLISHED 192.168.1.106:51729 192.168.1.113:80   192.168.139.129:80\n" +
            "TCP 00:49  SYN_RECV    192.168.1.107:40000 192.168.1.113:80   192.168.139.129:80\n" +
            "UDP 04:49  UDP         192.168.1.108:5353 192.168.1.113:80   192.168.139.129:80\n" +
            "TCP 05:49  NONE        192.168.1.106:0    192.168.1.113:80   192.168.139.129:80\n"));
    }

    [Test]
    public void Named_UsesPortNamesOfTheConnectionsProtocol()
    {
        var (table, now) = TableWithConnections();
        var names = new ServicesFileNameResolver("http 80/tcp www\nmdns 5353/udp\n");

        var text = new ConnectionListing(names).List(table, now, ListingOptions.Default);

        Assert.That(text, Is.EqualTo(
            Title +
            "TCP 14:49  ESTABLISHED 192.168.1.106:51729 192.168.1.113:http 192.168.139.129:http\n" +
            "TCP 00:49  SYN_RECV    192.168.1.107:40000 192.168.1.113:http 192.168.139.129:http\n" +
            "UDP 04:49  UDP         192.168.1.108:mdns 192.168.1.113:80   192.168.139.129:80\n" +
            "TCP 05:49  NONE        192.168.1.106:0    192.168.1.113:http 192.168.139.129:http\n"));
    }

    [Test]
    public void PersistentConn_AddsThePersistenceEngineColumnsToTheTitleOnly()
    {
        var table = new ConnectionTable(new ConnectionTimeouts());

        var text = new ConnectionListing().List(table, Start, new ListingOptions { Numeric = true, Detail = ListingDetail.PersistentConnections });

        Assert.That(text, Is.EqualTo(
            "IPVS connection entries\n" +
            "pro expire state       source             virtual            destination        pe name          pe_data\n"));
    }

    [Test]
    public void ExpiryOfAnHourOrMore_CountsMinutesPastSixty()
    {
        var services = ListingTables.ExampleOne();
        var web2 = ListingTables.Destination(services, ListingTables.WebService, "192.168.139.129", 80);
        var table = new ConnectionTable(new ConnectionTimeouts());
        var slot = table.Add(Flow(IpProtocol.Tcp, "192.168.1.106", 0, web2) with { Flags = ConnectionFlags.Template }, Start);
        table[slot].ExpiresAt = Start + (7200 * Second);

        var text = new ConnectionListing().List(table, Start, new ListingOptions { Numeric = true });

        Assert.That(text, Does.EndWith("TCP 120:00 NONE        192.168.1.106:0    192.168.1.113:80   192.168.139.129:80\n"));
    }
}
