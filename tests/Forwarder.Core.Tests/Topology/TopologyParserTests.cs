using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Topology;

namespace Forwarder.Core.Tests.Topology;

public sealed class TopologyParserTests
{
    private const string Valid = """
        # the seed director: eth2 faces the clients, eth1 the real servers

        interface eth2 00:0c:29:12:34:56 192.168.1.113/24 public
        interface eth1 00:0c:29:12:34:60 192.168.139.1/24 private mtu 9000   # jumbo frames inside
        neighbor 192.168.139.129 00:0c:29:00:01:29 eth1
          neighbour   192.168.1.254   00:50:56:00:00:fe   eth2
        route default via 192.168.1.254
        masquerade 192.168.139.0/24
        """;

    [Test]
    public void Parse_ValidText_ReadsInterfacesWithRolesAndMtu()
    {
        var topology = TopologyParser.Parse(Valid);

        Assert.Multiple(() =>
        {
            Assert.That(topology.Interfaces, Has.Count.EqualTo(2));
            Assert.That(topology.Public.Name, Is.EqualTo("eth2"));
            Assert.That(topology.Public.Mac, Is.EqualTo(new MacAddress(0x000C_2912_3456UL)));
            Assert.That(topology.Public.Address, Is.EqualTo(Ipv4Address.Parse("192.168.1.113")));
            Assert.That(topology.Public.PrefixLength, Is.EqualTo(24));
            Assert.That(topology.Public.Mtu, Is.EqualTo(1500));
            Assert.That(topology.Private.Name, Is.EqualTo("eth1"));
            Assert.That(topology.Private.Role, Is.EqualTo(InterfaceRole.Private));
            Assert.That(topology.Private.Mtu, Is.EqualTo(9000));
            Assert.That(topology.Interfaces.Select(i => i.Index), Is.EqualTo(new[] { 0, 1 }));
        });
    }

    [Test]
    public void Parse_ValidText_ReadsNeighborsRouteAndMasquerade()
    {
        var topology = TopologyParser.Parse(Valid);

        Assert.Multiple(() =>
        {
            Assert.That(topology.TryGetNeighbor(Ipv4Address.Parse("192.168.139.129").Value, out var server), Is.True);
            Assert.That(server.Mac, Is.EqualTo(new MacAddress(0x000C_2900_0129UL)));
            Assert.That(server.InterfaceIndex, Is.EqualTo(topology.Private.Index));
            Assert.That(topology.TryGetNeighbor(Ipv4Address.Parse("192.168.1.254").Value, out var gateway), Is.True);
            Assert.That(gateway.InterfaceIndex, Is.EqualTo(topology.Public.Index));
            Assert.That(topology.DefaultGateway, Is.EqualTo(Ipv4Address.Parse("192.168.1.254")));
            Assert.That(topology.MasqueradedNetworks, Is.EqualTo(new[] { (Ipv4Address.Parse("192.168.139.0"), 24) }));
        });
    }

    [Test]
    public void Parse_ValidText_RoutesOnLinkHostsDirectlyAndTheRestViaTheGateway()
    {
        var neighbors = new NeighborTable(TopologyParser.Parse(Valid));

        Assert.Multiple(() =>
        {
            Assert.That(neighbors.TryRoute(Ipv4Address.Parse("192.168.139.129").Value, out var onLink, out _), Is.True);
            Assert.That(onLink, Is.EqualTo(Ipv4Address.Parse("192.168.139.129").Value));
            Assert.That(neighbors.TryGetMac(onLink, out _), Is.True, "a static neighbour");
            Assert.That(neighbors.TryRoute(Ipv4Address.Parse("8.8.8.8").Value, out var remote, out _), Is.True);
            Assert.That(remote, Is.EqualTo(Ipv4Address.Parse("192.168.1.254").Value));
            Assert.That(neighbors.TryRoute(Ipv4Address.Parse("192.168.139.200").Value, out var unknown, out _), Is.True);
            Assert.That(neighbors.TryGetMac(unknown, out _), Is.False, "on-link but unknown: ARP must ask");
        });
    }

    [Test]
    public void Parse_WindowsLineEndings_AreAccepted()
    {
        var topology = TopologyParser.Parse("interface eth0 00:00:00:00:00:01 10.0.0.1/8 public\r\nroute default via 10.0.0.254\r\nneighbor 10.0.0.254 00:00:00:00:00:fe eth0\r\n");

        Assert.Multiple(() =>
        {
            Assert.That(topology.Public.Name, Is.EqualTo("eth0"));
            Assert.That(topology.Private, Is.SameAs(topology.Public), "a one-armed director uses its public interface for both");
        });
    }

    [TestCase("interface eth3 00:0c:29:12:34:zz 10.9.0.1/24 private", 3)]
    [TestCase("interface eth3 00:0c:29:12:34 10.9.0.1/24 private", 3)]
    [TestCase("neighbor 192.168.1.20 00:0c:29 eth2", 3)]
    public void Parse_BadMac_NamesItsLine(string badLine, int expectedLine)
    {
        AssertLineError(Wrap(badLine), expectedLine, "MAC");
    }

    [TestCase("interface eth3 00:0c:29:12:34:57 10.9.0.300/24 private", "address")]
    [TestCase("interface eth3 00:0c:29:12:34:57 10.9.0/24 private", "address")]
    [TestCase("neighbor 192.168.1.2.3 00:0c:29:00:00:01 eth2", "neighbor address")]
    [TestCase("route default via 192.168.1.x", "gateway")]
    [TestCase("masquerade 10.0.0/8", "address")]
    public void Parse_BadAddress_NamesItsLine(string badLine, string what)
    {
        AssertLineError(Wrap(badLine), 3, "bad " + what);
    }

    [TestCase("interface eth3 00:0c:29:12:34:57 10.9.0.1/33 private")]
    [TestCase("interface eth3 00:0c:29:12:34:57 10.9.0.1/ private")]
    [TestCase("interface eth3 00:0c:29:12:34:57 10.9.0.1/-1 private")]
    [TestCase("interface eth3 00:0c:29:12:34:57 10.9.0.1 private")]
    [TestCase("masquerade 192.168.139.0/40")]
    public void Parse_BadPrefix_NamesItsLine(string badLine)
    {
        AssertLineError(Wrap(badLine), 3, "prefix");
    }

    [Test]
    public void Parse_UnknownKeyword_NamesItsLineAndTheWord()
    {
        AssertLineError(Wrap("gateway 192.168.1.254"), 3, "gateway");
    }

    [Test]
    public void Parse_BadRoleOrMtu_NamesItsLine()
    {
        Assert.Multiple(() =>
        {
            AssertLineError(Wrap("interface eth3 00:0c:29:12:34:57 10.9.0.1/24 dmz"), 3, "dmz");
            AssertLineError(Wrap("interface eth3 00:0c:29:12:34:57 10.9.0.1/24 private mtu 20"), 3, "mtu");
        });
    }

    [Test]
    public void Parse_NeighborOnUnknownInterface_NamesTheNeighborLine()
    {
        AssertLineError(Wrap("neighbor 192.168.1.20 00:0c:29:00:00:01 eth7"), 3, "eth7");
    }

    [Test]
    public void Parse_NeighborOffItsInterfaceSubnet_NamesTheNeighborLine()
    {
        AssertLineError(Wrap("neighbor 192.168.139.20 00:0c:29:00:00:01 eth2"), 3, "subnet");
    }

    [Test]
    public void Parse_DuplicateInterface_NamesTheSecondDefinition()
    {
        const string text = """
            interface eth2 00:0c:29:12:34:56 192.168.1.113/24 public

            interface eth2 00:0c:29:12:34:57 192.168.139.1/24 private
            """;

        AssertLineError(text, 3, "eth2");
    }

    [Test]
    public void Parse_NoPublicInterface_Throws()
    {
        var error = Assert.Throws<LineFormatException>(() => TopologyParser.Parse("interface eth1 00:0c:29:12:34:60 192.168.139.1/24 private\n"));

        Assert.That(error!.Reason, Does.Contain("public"));
    }

    [Test]
    public void Parse_NoInterfaceAtAll_Throws()
    {
        Assert.That(() => TopologyParser.Parse("# nothing here\n\n"), Throws.TypeOf<LineFormatException>());
    }

    [Test]
    public void Parse_TwoPublicInterfaces_Throws()
    {
        const string text = "interface eth2 00:0c:29:12:34:56 192.168.1.113/24 public\ninterface eth3 00:0c:29:12:34:57 10.0.0.1/24 public\n";

        Assert.That(() => TopologyParser.Parse(text), Throws.TypeOf<LineFormatException>());
    }

    [Test]
    public void Parse_SecondDefaultRoute_NamesItsLine()
    {
        AssertLineError(Wrap("route default via 192.168.1.253\nroute default via 192.168.1.254"), 4, "route");
    }

    [Test]
    public void Parse_RouteWithoutDefaultVia_NamesItsLine()
    {
        AssertLineError(Wrap("route 10.0.0.0/8 via 192.168.1.254"), 3, "route default via");
    }

    [Test]
    public void Parse_GatewayOffEverySubnet_NamesTheRouteLine()
    {
        const string text = "interface eth2 00:0c:29:12:34:56 192.168.1.113/24 public\nroute default via 10.9.9.9\n# more\n# lines\n";

        AssertLineError(text, 2, "10.9.9.9");
    }

    private static string Wrap(string line) =>
        "# line 1\ninterface eth2 00:0c:29:12:34:56 192.168.1.113/24 public\n" + line + "\n# trailing\n\n";

    private static void AssertLineError(string text, int line, string? mentioned)
    {
        var error = Assert.Throws<LineFormatException>(() => TopologyParser.Parse(text));
        Assert.That(error!.LineNumber, Is.EqualTo(line), error.Message);
        Assert.That(error.Message, Does.StartWith($"line {line}:"));
        if (mentioned is not null)
        {
            Assert.That(error.Message, Does.Contain(mentioned).IgnoreCase);
        }
    }
}
