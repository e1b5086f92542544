using Forwarder.Core.Scheduling;

namespace Forwarder.Core.Tests.Scheduling;

public sealed class SchedulerFlagSetTests
{
    [TestCase("", 0)]
    [TestCase("sh-fallback", 0x08)]
    [TestCase("sh-port", 0x10)]
    [TestCase("sh-fallback,sh-port", 0x18)]
    [TestCase("mh-fallback,mh-port", 0x18)]
    [TestCase("flag-1,flag-2,flag-3", 0x38)]
    [TestCase(",flag-3,,", 0x20)]
    public void Flags_Names_MapToTheKernelBits(string text, int bits)
    {
        Assert.That(SchedulerFlagSet.TryParse(text, out var flags, out var error), Is.True, error);
        Assert.That(flags.Bits, Is.EqualTo(bits));
    }

    [Test]
    public void Flags_FallbackAndPort_AreTheFirstTwoBits()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SchedulerFlagSet.Of("flag-1").Fallback, Is.True);
            Assert.That(SchedulerFlagSet.Of("flag-2").HashesPort, Is.True);
            Assert.That(SchedulerFlagSet.Of("sh-port").Fallback, Is.False);
        });
    }

    [Test]
    public void Flags_UnknownName_RefusedWithIpvsadmWords()
    {
        Assert.That(SchedulerFlagSet.TryParse("sh-port,sticky", out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo("invalid scheduler flag `sticky'"));
    }

    [Test]
    public void Flags_SchedulerSpecificName_ForAnotherScheduler_Refused()
    {
        Assert.That(SchedulerFlagSet.TryParse("mh-port", "sh", out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo("incompatible scheduler flag `mh-port'"));
        Assert.That(SchedulerFlagSet.TryParse("flag-2", "sh", out var flags, out _), Is.True);
        Assert.That(flags.HashesPort, Is.True);
    }

    [Test]
    public void Flags_UnparseableText_CountsAsNone()
    {
        Assert.That(SchedulerFlagSet.Of("bogus"), Is.EqualTo(SchedulerFlagSet.None));
    }
}
