using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Topology;

namespace Forwarder.Core.Tests.Topology;

/// <summary>The topology file's IPv6: interface addresses and prefixes, link-local addresses, neighbours, the default route, masquerading.</summary>
public sealed class Ipv6TopologyTests
{
    private const string Valid = """
        interface eth2 00:0c:29:12:34:56 192.168.1.113/24 public inet6 2001:db8::1/64
        interface eth1 00:0c:29:12:34:60 192.168.139.1/24 private mtu 9000 inet6 2001:db8:139::1/64
        neighbor 2001:db8:139::129 00:0c:29:00:01:29 eth1
        neighbor fe80::250:56ff:fe00:fe 00:50:56:00:00:fe eth2
        neighbor 192.168.1.254 00:50:56:00:00:fe eth2
        route default via 192.168.1.254
        route default via 2001:db8::fe
        masquerade 2001:db8:139::/64
        """;

    private static InetAddress A(string text) => InetAddress.Parse(text);

    [Test]
    public void Parse_ReadsInet6AddressesBesideMtuAndMakesLinkLocalAddressesFromTheMacs()
    {
        var topology = TopologyParser.Parse(Valid);

        Assert.Multiple(() =>
        {
            Assert.That((topology.Public.Ipv6Address, topology.Public.Ipv6PrefixLength), Is.EqualTo(((InetAddress?)A("2001:db8::1"), 64)));
            Assert.That((topology.Private.Ipv6Address, topology.Private.Mtu), Is.EqualTo(((InetAddress?)A("2001:db8:139::1"), 9000)));
            Assert.That(topology.Public.LinkLocalAddress, Is.EqualTo(A("fe80::20c:29ff:fe12:3456")), "EUI-64, the universal/local bit flipped");
            Assert.That(topology.IsOwnAddress(A("fe80::20c:29ff:fe12:3460")), Is.True);
            Assert.That(topology.IsOwnAddress(A("2001:db8:139::1")), Is.True);
            Assert.That(topology.IsOwnAddress(A("2001:db8:139::2")), Is.False);
        });
    }

    [Test]
    public void Parse_ReadsIpv6NeighboursRouteAndMasquerade()
    {
        var topology = TopologyParser.Parse(Valid);

        Assert.Multiple(() =>
        {
            Assert.That(topology.TryGetNeighbor(A("2001:db8:139::129"), out var server) && server.InterfaceIndex == topology.Private.Index, Is.True);
            Assert.That(topology.TryGetNeighbor(A("fe80::250:56ff:fe00:fe"), out _), Is.True, "a link-local neighbour is on its link");
            Assert.That(topology.DefaultGateway, Is.EqualTo(Ipv4Address.Parse("192.168.1.254")));
            Assert.That(topology.DefaultGateway6, Is.EqualTo((InetAddress?)A("2001:db8::fe")));
            Assert.That(topology.MasqueradedNetworks6, Is.EqualTo(new[] { (A("2001:db8:139::"), 64) }));
        });
    }

    [Test]
    public void Routes_OnLinkByPrefix_TheRestThroughTheIpv6Gateway()
    {
        var neighbors = new NeighborTable(TopologyParser.Parse(Valid));

        Assert.Multiple(() =>
        {
            Assert.That(neighbors.TryRoute(A("2001:db8:139::77"), out var onLink, out var privateLink), Is.True);
            Assert.That((onLink, privateLink), Is.EqualTo((A("2001:db8:139::77"), 1)));
            Assert.That(neighbors.TryRoute(A("2001:db8:ff::9"), out var remote, out var publicLink), Is.True);
            Assert.That((remote, publicLink), Is.EqualTo((A("2001:db8::fe"), 0)));
            Assert.That(neighbors.TryGetMac(A("2001:db8:139::129"), out _), Is.True, "a static neighbour");
        });
    }

    [TestCase("interface eth2 00:0c:29:12:34:56 192.168.1.113/24 public inet6 fe80::1/64\n", "not a global host address")]
    [TestCase("interface eth2 00:0c:29:12:34:56 192.168.1.113/24 public inet6 2001:db8::1\n", "lacks a /PREFIX")]
    [TestCase("interface eth2 00:0c:29:12:34:56 192.168.1.113/24 public inet6 2001:db8::1/129\n", "bad prefix length")]
    [TestCase("interface eth2 00:0c:29:12:34:56 192.168.1.113/24 public inet6 2001:db8::1/64 inet6 2001:db8::2/64\n", "expected 'interface")]
    [TestCase("interface eth2 00:0c:29:12:34:56 192.168.1.113/24 public\nneighbor 2001:db8::5 00:50:56:00:00:05 eth2\n", "has no inet6 address")]
    [TestCase("interface eth2 00:0c:29:12:34:56 192.168.1.113/24 public inet6 2001:db8::1/64\nneighbor 2001:db8:1::5 00:50:56:00:00:05 eth2\n", "is not on eth2's prefix")]
    [TestCase("interface eth2 00:0c:29:12:34:56 192.168.1.113/24 public inet6 2001:db8::1/64\nneighbor 2001:db8::1 00:50:56:00:00:05 eth2\n", "the director's own address")]
    [TestCase("interface eth2 00:0c:29:12:34:56 192.168.1.113/24 public inet6 2001:db8::1/64\nneighbor ff02::1 00:50:56:00:00:05 eth2\n", "not a host address")]
    [TestCase("interface eth2 00:0c:29:12:34:56 192.168.1.113/24 public inet6 2001:db8::1/64\nroute default via 2001:db8:5::1\n", "on none of the interfaces' IPv6 prefixes")]
    [TestCase("interface eth2 00:0c:29:12:34:56 192.168.1.113/24 public inet6 2001:db8::1/64\nroute default via 2001:db8::fe\nroute default via 2001:db8::fd\n", "a second IPv6 default route")]
    [TestCase("interface eth2 00:0c:29:12:34:56 192.168.1.113/24 public inet6 2001:db8::1/64\nneighbor 2001:db8::zz 00:50:56:00:00:05 eth2\n", "bad neighbor address")]
    public void Parse_BadIpv6Lines_AreRefusedWithTheirReason(string text, string reason)
    {
        var error = Assert.Throws<LineFormatException>(() => TopologyParser.Parse(text));
        Assert.That(error!.Message, Does.Contain(reason));
    }

    [Test]
    public void Parse_MasqueradingEveryIpv6Source_IsTakenWithAWarning()
    {
        var parsed = TopologyParser.ParseWithWarnings("interface eth2 00:0c:29:12:34:56 192.168.1.113/24 public inet6 2001:db8::1/64\nmasquerade ::/0\n");
        Assert.That(parsed.Warnings.Single().Reason, Does.Contain("every source address"));
    }
}
