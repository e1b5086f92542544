namespace Forwarder.Ipvsadm.Tests.Grammar;

/// <summary>
/// -p takes an optional value (POPT_ARGFLAG_OPTIONAL): alone it is 300 seconds, else parse_timeout(value, 1, 86400*31)
/// refuses anything else as "invalid timeout value".
/// </summary>
public sealed class PersistenceTests
{
    [TestCase("-A -t 10.0.0.1:80 -p", 360)]
    [TestCase("-A -t 10.0.0.1:80 --persistent", 360)]
    [TestCase("-A -t 10.0.0.1:80 -p -s rr", 360)]
    [TestCase("-A -p -t 10.0.0.1:80", 360)]
    [TestCase("-A -t 10.0.0.1:80 -p 600", 600)]
    [TestCase("-A -t 10.0.0.1:80 --persistent 600 -s rr", 600)]
    [TestCase("-A -t 10.0.0.1:80 -p 1", 1)]
    [TestCase("-A -t 10.0.0.1:80 -p 2678400", 2678400)]
    public void Persistence_TakesValueOrDefault(string line, int expected)
    {
        Assert.That(GrammarRig.Parse(line).ServiceSettings!.PersistenceTimeout, Is.EqualTo(expected));
    }

    [TestCase("0")]
    [TestCase("2678401")]
    [TestCase("abc")]
    [TestCase("10s")]
    public void PersistenceOutOfBoundsOrNotANumber_IsInvalidTimeout(string value)
    {
        var refusal = GrammarRig.Refusal($"-A -t 10.0.0.1:80 -p {value}");

        Assert.That(refusal.Message, Is.EqualTo($"invalid timeout value `{value}' specified"));
        Assert.That(refusal.ExitCode, Is.EqualTo(2));
    }

    [Test]
    public void PersistentService_MayHaveZeroPort()
    {
        var settings = GrammarRig.Parse("-A -t 10.0.0.1:0 -p").ServiceSettings!;

        Assert.That(settings.Key.Port, Is.Zero);
        Assert.That(settings.PersistenceTimeout, Is.EqualTo(360));
    }

    [TestCase("-A -t 10.0.0.1:0")]
    [TestCase("-A -t 10.0.0.1")]
    [TestCase("-E -u 10.0.0.1:0 -s rr")]
    public void NonPersistentZeroPort_IsRefused(string line)
    {
        var refusal = GrammarRig.Refusal(line);

        Assert.That(refusal.Message, Is.EqualTo("Zero port specified for non-persistent service"));
        Assert.That(refusal.ExitCode, Is.EqualTo(2));
    }
}
