using Forwarder.Core.Frames;

namespace Forwarder.Core.Tests.Frames;

public sealed class Ipv4AddressTests
{
    [TestCase("0.0.0.0", 0x0000_0000u)]
    [TestCase("192.168.1.199", 0xC0A8_01C7u)]
    [TestCase("255.255.255.255", 0xFFFF_FFFFu)]
    [TestCase("10.0.0.1", 0x0A00_0001u)]
    public void TryParse_DottedQuad_GivesHostOrderValue(string text, uint expected)
    {
        Assert.Multiple(() =>
        {
            Assert.That(Ipv4Address.TryParse(text, out var address), Is.True);
            Assert.That(address.Value, Is.EqualTo(expected));
            Assert.That(address.ToString(), Is.EqualTo(text));
        });
    }

    [TestCase("")]
    [TestCase("1.2.3")]
    [TestCase("1.2.3.4.5")]
    [TestCase("256.1.1.1")]
    [TestCase("1.2.3.256")]
    [TestCase("1..2.3")]
    [TestCase("1.2.3.4.")]
    [TestCase(".1.2.3")]
    [TestCase("1.2.3.a")]
    [TestCase("-1.2.3.4")]
    [TestCase("+1.2.3.4")]
    [TestCase(" 1.2.3.4")]
    [TestCase("1.2.3.4 ")]
    [TestCase("1.2.3.0004")]
    [TestCase("0x1.2.3.4")]
    [TestCase("1.2.3.4/24")]
    [TestCase("example.com")]
    public void TryParse_Invalid_ReturnsFalseAndAny(string text)
    {
        Assert.Multiple(() =>
        {
            Assert.That(Ipv4Address.TryParse(text, out var address), Is.False);
            Assert.That(address, Is.EqualTo(Ipv4Address.Any));
        });
    }

    [Test]
    public void Parse_Invalid_ThrowsFormatException()
    {
        Assert.That(() => Ipv4Address.Parse("300.1.1.1"), Throws.TypeOf<FormatException>());
    }

    [TestCase("192.168.139.129", "192.168.139.0", 24, true)]
    [TestCase("192.168.140.1", "192.168.139.0", 24, false)]
    [TestCase("10.1.2.3", "0.0.0.0", 0, true)]
    [TestCase("10.1.2.3", "10.1.2.3", 32, true)]
    [TestCase("10.1.2.4", "10.1.2.3", 32, false)]
    [TestCase("172.31.255.255", "172.16.0.0", 12, true)]
    [TestCase("172.32.0.0", "172.16.0.0", 12, false)]
    public void IsInSubnet_ComparesThePrefixBits(string address, string network, int prefix, bool expected)
    {
        Assert.That(Ipv4Address.Parse(address).IsInSubnet(Ipv4Address.Parse(network), prefix), Is.EqualTo(expected));
    }

    [Test]
    public void Ordering_FollowsNumericValue()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Ipv4Address.Parse("10.0.0.2") > Ipv4Address.Parse("9.255.255.255"), Is.True);
            Assert.That(Ipv4Address.Parse("192.168.1.1").CompareTo(Ipv4Address.Parse("192.168.1.10")), Is.Negative);
        });
    }
}
