using Forwarder.Core.Frames;

namespace Forwarder.Core.Tests.Frames;

/// <summary>Tests that fail on the current source: kept for review, excluded from CI.</summary>
[Category("KnownBug")]
[Explicit("known bug in src/Forwarder.Core, see the test's description")]
public sealed class KnownBugsMacAddressTests
{
    // MacAddress.TryParse hands each part to byte.TryParse with NumberStyles.HexNumber, which allows
    // leading and trailing white space, so a one-digit octet with a space is accepted.
    [TestCase("00:0c:29:aa:bb: c")]
    [TestCase("0 :0c:29:aa:bb:cc")]
    public void TryParse_OctetWithWhiteSpace_ReturnsFalse(string text)
    {
        Assert.That(MacAddress.TryParse(text, out _), Is.False);
    }
}
