using System.Runtime.CompilerServices;
using Forwarder.Core.Frames;

namespace Forwarder.Core.Tests.Frames;

public sealed class InetAddressTests
{
    [Test]
    public void Address_IsSixteenBytes_AndTheDefaultIsIpv4Zero()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<InetAddress>(), Is.EqualTo(16));
            Assert.That(default(InetAddress).IsIpv4, Is.True);
            Assert.That(default(InetAddress), Is.EqualTo(InetAddress.FromIpv4(0)));
            Assert.That(default(InetAddress).ToString(), Is.EqualTo("0.0.0.0"));
        });
    }

    // As glibc's inet_ntop: the longest run of two or more zero groups (the first of equal ones) becomes "::",
    // lower-case hex without leading zeros, ::a.b.c.d for the IPv4-compatible range. These are the forms ipvsadm
    // 1.31 listed on Linux 6.1 for the same input.
    [TestCase("2001:db8::113", "2001:db8::113")]
    [TestCase("2001:0db8:0139:0000:0000:0000:0000:0001", "2001:db8:139::1")]
    [TestCase("2001:0:0:1:0:0:0:1", "2001:0:0:1::1")]
    [TestCase("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8")]
    [TestCase("::", "::")]
    [TestCase("::1", "::1")]
    [TestCase("fe80::1", "fe80::1")]
    [TestCase("::1.2.3.4", "::1.2.3.4")]
    [TestCase("2001:DB8:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")]
    [TestCase("1:0:2:0:3:0:4:0", "1:0:2:0:3:0:4:0")]
    [TestCase("1:0:0:2:0:0:3:4", "1::2:0:0:3:4")]
    [TestCase("1::2:3:4:5:6:7", "1:0:2:3:4:5:6:7")]
    [TestCase("2001:db8::10.1.2.3", "2001:db8::a01:203")]
    public void Ipv6_ParsesAndPrintsAsInetNtop(string text, string printed)
    {
        Assert.Multiple(() =>
        {
            Assert.That(InetAddress.TryParse(text, out var address), Is.True);
            Assert.That(address.IsIpv6, Is.True);
            Assert.That(address.ToString(), Is.EqualTo(printed));
            Assert.That(InetAddress.Parse(printed), Is.EqualTo(address), "what is printed reads back");
        });
    }

    [TestCase("")]
    [TestCase(":")]
    [TestCase(":::")]
    [TestCase("2001:db8:::113")]
    [TestCase("2001:db8::113::1")]
    [TestCase("12345::1")]
    [TestCase("g::1")]
    [TestCase("1:2:3:4:5:6:7:8:9")]
    [TestCase("1:2:3:4:5:6:7")]
    [TestCase("fe80::1%eth0")]
    [TestCase(":1::2")]
    [TestCase("1::2:")]
    [TestCase("1:2:3:4:5:6:7:1.2.3.4")]
    [TestCase("::1.2.3")]
    [TestCase("::ffff:1.2.3.4")]
    [TestCase("::ffff:0:0")]
    public void Ipv6_Malformed_OrIpv4Mapped_IsRefused(string text) =>
        Assert.That(InetAddress.TryParseIpv6(text, out _), Is.False);

    [Test]
    public void Ipv4_KeepsItsValue_AndIsNotAnIpv6Address()
    {
        var address = InetAddress.Parse("192.168.1.199");
        Assert.Multiple(() =>
        {
            Assert.That(address.IsIpv4, Is.True);
            Assert.That(address.Ipv4Value, Is.EqualTo(0xC0A8_01C7u));
            Assert.That(address, Is.EqualTo((InetAddress)Ipv4Address.Parse("192.168.1.199")));
            Assert.That(address, Is.Not.EqualTo(InetAddress.Parse("::192.168.1.199")));
            Assert.That(address.ToEndpointString(80), Is.EqualTo("192.168.1.199:80"));
        });
    }

    [Test]
    public void Fold_IsTheIpv4Value_OrTheXorOfTheFourIpv6Words()
    {
        Assert.Multiple(() =>
        {
            Assert.That(InetAddress.Parse("192.168.1.199").Fold(), Is.EqualTo(0xC0A8_01C7u));
            // 2001:0db8 ^ 0000:0000 ^ 0000:0000 ^ 0000:0113, as ip_vs_sh/dh/lblc/mh fold before hashing.
            Assert.That(InetAddress.Parse("2001:db8::113").Fold(), Is.EqualTo(0x2001_0DB8u ^ 0x0000_0113u));
            Assert.That(InetAddress.Parse("1:2:3:4:5:6:7:8").Fold(), Is.EqualTo(0x0001_0002u ^ 0x0003_0004u ^ 0x0005_0006u ^ 0x0007_0008u));
        });
    }

    [Test]
    public void Bytes_RoundTripInNetworkOrder()
    {
        var bytes = new byte[16];
        InetAddress.Parse("2001:db8:139::129").WriteIpv6(bytes);
        Assert.Multiple(() =>
        {
            Assert.That(Convert.ToHexString(bytes), Is.EqualTo("20010DB8013900000000000000000129"));
            Assert.That(InetAddress.ReadIpv6(bytes), Is.EqualTo(InetAddress.Parse("2001:db8:139::129")));
            var value = InetAddress.Parse("2001:db8::1").ToUInt128();
            Assert.That(InetAddress.FromUInt128(value, isIpv6: true), Is.EqualTo(InetAddress.Parse("2001:db8::1")));
            Assert.That(InetAddress.FromUInt128(InetAddress.Parse("10.0.0.1").ToUInt128(), isIpv6: false), Is.EqualTo(InetAddress.Parse("10.0.0.1")));
        });
    }

    [TestCase("2001:db8:1:2:3:4:5:6", 64, "2001:db8:1:2::")]
    [TestCase("2001:db8:1:2:3:4:5:6", 128, "2001:db8:1:2:3:4:5:6")]
    [TestCase("2001:db8:1:2:3:4:5:6", 48, "2001:db8:1::")]
    [TestCase("2001:db8:1:2:3ff:4:5:6", 72, "2001:db8:1:2:300::")]
    [TestCase("192.168.1.199", 24, "192.168.1.0")]
    public void Masked_KeepsThePrefix(string address, int prefix, string expected) =>
        Assert.That(InetAddress.Parse(address).Masked(prefix), Is.EqualTo(InetAddress.Parse(expected)));

    [TestCase("[2001:db8::113]:80", "2001:db8::113", 80)]
    [TestCase("192.168.1.199:443", "192.168.1.199", 443)]
    public void Endpoint_RoundTrips(string text, string address, int port)
    {
        Assert.Multiple(() =>
        {
            Assert.That(InetAddress.TryParseEndpoint(text, out var parsed, out var parsedPort), Is.True);
            Assert.That((parsed, (int)parsedPort), Is.EqualTo((InetAddress.Parse(address), port)));
            Assert.That(parsed.ToEndpointString(parsedPort), Is.EqualTo(text));
        });
    }

    [TestCase("2001:db8::113:80")]
    [TestCase("[2001:db8::113]")]
    [TestCase("[192.168.1.1]:80")]
    [TestCase("[2001:db8::113]:")]
    public void Endpoint_Malformed_IsRefused(string text) =>
        Assert.That(InetAddress.TryParseEndpoint(text, out _, out _), Is.False);

    [Test]
    public void Comparison_PutsIpv4First_ThenOrdersByValue()
    {
        var sorted = new[] { "2001:db8::2", "10.0.0.1", "2001:db8::1", "::1" }.Select(InetAddress.Parse).Order().Select(a => a.ToString());
        Assert.That(sorted, Is.EqualTo(new[] { "10.0.0.1", "::1", "2001:db8::1", "2001:db8::2" }));
    }
}
