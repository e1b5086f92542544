using Forwarder.Ipvsadm.Rules;

namespace Forwarder.Ipvsadm.Tests.Rules;

/// <summary>A commands file's time: decimal seconds, read exactly to the microsecond.</summary>
public sealed class CommandTimeTests
{
    [TestCase("0", 0L)]
    [TestCase("1.5", 1_500_000L)]
    [TestCase("12.000250", 12_000_250L)]
    [TestCase("0.000001", 1L)]
    [TestCase("-1", -1_000_000L)]
    [TestCase("-0.25", -250_000L)]
    [TestCase("007", 7_000_000L)]
    [TestCase("1000000000", 1_000_000_000_000_000L)]
    public void Time_IsReadToTheMicrosecond(string text, long microseconds)
    {
        Assert.That(CommandTime.TryParse(text, out var parsed, out _), Is.True);
        Assert.That(parsed, Is.EqualTo(microseconds));
    }

    [TestCase("", "is not a time")]
    [TestCase("-", "is not a time")]
    [TestCase("1.", "is not a time")]
    [TestCase(".5", "is not a time")]
    [TestCase("1,5", "is not a time")]
    [TestCase("1e3", "is not a time")]
    [TestCase("+1", "is not a time")]
    [TestCase("1.2.3", "is not a time")]
    [TestCase("١", "is not a time")]
    [TestCase("1.0000001", "has more than 6 decimals")]
    [TestCase("1000000001", "is more than 1,000,000,000 seconds")]
    [TestCase("99999999999999999999999", "is more than 1,000,000,000 seconds")]
    public void NotATime_IsRefusedSayingWhy(string text, string reason)
    {
        Assert.That(CommandTime.TryParse(text, out _, out var why), Is.False);
        Assert.That(why, Does.Contain(reason));
    }
}
