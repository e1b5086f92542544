using Forwarder.Capture.Live;
using Forwarder.Core.Frames;

namespace Forwarder.Lab.Tests.Capture;

/// <summary>
/// The live director's IPv6 default route, read from /proc/net/ipv6_route: the gateway route of the lowest metric, the
/// kernel's unreachable defaults on lo passed over; and, from a lab web's own table, the route lab-netns.sh gave it.
/// </summary>
public sealed class Ipv6RouteTableTests
{
    // As a web of the lab lists it (its connected prefix, its link-local, the default via the director, lo's rejects).
    private static readonly string[] WebTable =
    [
        "20010db8013900000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0",
        "fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0",
        "00000000000000000000000000000000 00 00000000000000000000000000000000 00 20010db8013900000000000000000142 00000400 00000001 00000000 00000003     eth0",
        "00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo",
    ];

    [Test]
    public void DefaultGateway_IsTheDefaultRoutesNextHop_AndItsDevice()
    {
        var route = Ipv6RouteTable.DefaultGateway(WebTable);

        Assert.That(route, Is.EqualTo((InetAddress.Parse("2001:db8:139::142"), "eth0")));
    }

    [Test]
    public void DefaultGateway_OfTwo_IsTheOneOfTheLowerMetric()
    {
        var second = "00000000000000000000000000000000 00 00000000000000000000000000000000 00 20010db8000000000000000000000001 00000010 00000001 00000000 00000003     eth2";

        Assert.That(Ipv6RouteTable.DefaultGateway([.. WebTable, second]), Is.EqualTo((InetAddress.Parse("2001:db8::1"), "eth2")));
    }

    [Test]
    public void NoDefaultRoute_OrOnlyTheUnreachableOnes_IsNone()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Ipv6RouteTable.DefaultGateway([WebTable[0], WebTable[1], WebTable[3]]), Is.Null);
            Assert.That(Ipv6RouteTable.DefaultGateway(["garbage", "", "0000 00 zz"]), Is.Null, "lines it cannot read are passed over");
        });
    }

    [Test]
    public void InTheLab_AWebsDefaultRoute_IsTheDirectorsPrivateAddress()
    {
        if (Lab.WhyNot() is { } reason)
        {
            Assert.Ignore(reason);
        }
        using var lab = Lab.Up("rt6");
        var table = lab.In("web1", "cat", Ipv6RouteTable.ProcFile).Output.Split('\n');

        Assert.That(Ipv6RouteTable.DefaultGateway(table), Is.EqualTo((InetAddress.Parse("2001:db8:139::142"), "eth0")));
    }
}
