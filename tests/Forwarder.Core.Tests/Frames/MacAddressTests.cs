using Forwarder.Core.Frames;

namespace Forwarder.Core.Tests.Frames;

public sealed class MacAddressTests
{
    [TestCase("00:0c:29:aa:bb:cc", 0x000C_29AA_BBCCUL)]
    [TestCase("00-0C-29-AA-BB-CC", 0x000C_29AA_BBCCUL)]
    [TestCase("ff:ff:ff:ff:ff:ff", 0xFFFF_FFFF_FFFFUL)]
    [TestCase("0:1:2:3:4:5", 0x0001_0203_0405UL)]
    public void TryParse_Valid_GivesValue(string text, ulong expected)
    {
        Assert.Multiple(() =>
        {
            Assert.That(MacAddress.TryParse(text, out var mac), Is.True);
            Assert.That(mac.Value, Is.EqualTo(expected));
        });
    }

    [TestCase("")]
    [TestCase("00:0c:29:aa:bb")]
    [TestCase("00:0c:29:aa:bb:cc:dd")]
    [TestCase("00:0c:29:aa:bb:gg")]
    [TestCase("000:0c:29:aa:bb:cc")]
    [TestCase("00:0c:29:aa:bb:")]
    [TestCase("000c29aabbcc")]
    [TestCase("00.0c.29.aa.bb.cc")]
    [TestCase("0x0:0c:29:aa:bb:cc")]
    [TestCase("00:0c:29:aa:bb: c")]
    [TestCase("0 :0c:29:aa:bb:cc")]
    [TestCase("00:0c:29:aa:bb:c ")]
    public void TryParse_Invalid_ReturnsFalse(string text)
    {
        Assert.That(MacAddress.TryParse(text, out _), Is.False);
    }

    [Test]
    public void ToString_IsLowerCaseColonSeparated()
    {
        Assert.That(new MacAddress(0x000C_29AA_BBCCUL).ToString(), Is.EqualTo("00:0c:29:aa:bb:cc"));
    }

    [Test]
    public void WriteThenRead_RoundTripsInNetworkOrder()
    {
        var bytes = new byte[6];
        new MacAddress(0x0102_0304_0506UL).Write(bytes);

        Assert.Multiple(() =>
        {
            Assert.That(bytes, Is.EqualTo(new byte[] { 1, 2, 3, 4, 5, 6 }));
            Assert.That(MacAddress.Read(bytes).Value, Is.EqualTo(0x0102_0304_0506UL));
        });
    }
}
