namespace Forwarder.Ipvsadm.Tests.Grammar;

/// <summary>
/// popt's own errors print "TOKEN: reason" and parse_options returns -1 (exit 255); ipvsadm's checks after
/// popt use fail(), exit 2.
/// </summary>
public sealed class PoptErrorTests
{
    [TestCase("-A -t", "-t: missing argument")]
    [TestCase("-a -t 10.0.0.1:80 -r", "-r: missing argument")]
    [TestCase("-A --scheduler", "--scheduler: missing argument")]
    public void ValueOptionAtTheEnd_IsMissingArgumentWith255(string line, string message)
    {
        var refusal = GrammarRig.Refusal(line);

        Assert.That(refusal.Message, Is.EqualTo(message));
        Assert.That(refusal.ExitCode, Is.EqualTo(255));
    }

    [Test]
    public void UnknownOption_Is255()
    {
        var refusal = GrammarRig.Refusal("-A -t 10.0.0.1:80 --bogus");

        Assert.That(refusal.Message, Is.EqualTo("--bogus: unknown option"));
        Assert.That(refusal.ExitCode, Is.EqualTo(255));
    }

    [Test]
    public void StrayWord_IsUnexpectedArgumentWith2()
    {
        var refusal = GrammarRig.Refusal("-A -t 10.0.0.1:80 stray");

        Assert.That(refusal.Message, Is.EqualTo("unexpected argument stray"));
        Assert.That(refusal.ExitCode, Is.EqualTo(2));
    }

    [TestCase("-a -t 10.0.0.1:80 -r 192.168.0.5 -w 1 -w 2", "weight")]
    [TestCase("-A -t 10.0.0.1:80 -s rr -s wlc", "scheduler")]
    [TestCase("-A -t 10.0.0.1:80 -t 10.0.0.2:80", "service-address")]
    [TestCase("-A -u 10.0.0.1:53 --udp-service 10.0.0.2:53", "service-address")]
    [TestCase("-a -t 10.0.0.1:80 -r 192.168.0.5 -m -m", "forwarding-method")]
    [TestCase("-a -t 10.0.0.1:80 -r 192.168.0.5 -g --gatewaying", "forwarding-method")]
    public void RepeatedOption_IsMultipleWithIpvsadmsName(string line, string option)
    {
        var refusal = GrammarRig.Refusal(line);

        Assert.That(refusal.Message, Is.EqualTo($"multiple '{option}' options specified"));
        Assert.That(refusal.ExitCode, Is.EqualTo(2));
    }
}
