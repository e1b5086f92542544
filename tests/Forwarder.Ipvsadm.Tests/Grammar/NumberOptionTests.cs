namespace Forwarder.Ipvsadm.Tests.Grammar;

/// <summary>string_to_number: -w, -x and -y are 0..INT_MAX (as Debian's ipvsadm 1.31 takes them), strtol's decimal strings only.</summary>
public sealed class NumberOptionTests
{
    [TestCase("0", 0)]
    [TestCase("1", 1)]
    [TestCase("65535", 65535)]
    [TestCase("65536", 65536)]
    [TestCase("2147483647", 2147483647)]
    [TestCase("+5", 5)]
    public void Weight_InRange_IsTaken(string text, int expected)
    {
        Assert.That(GrammarRig.Parse($"-a -t 10.0.0.1:80 -r 192.168.0.5 -w {text}").Destination!.Weight, Is.EqualTo(expected));
    }

    [TestCase("-1")]
    [TestCase("2147483648")]
    [TestCase("4294967295")]
    [TestCase("99999999999999999999")]
    [TestCase("abc")]
    [TestCase("3x")]
    public void Weight_OutOfRangeOrNotANumber_IsIllegal(string text)
    {
        var refusal = GrammarRig.Refusal($"-a -t 10.0.0.1:80 -r 192.168.0.5 -w {text}");

        Assert.That(refusal.Message, Is.EqualTo("illegal weight specified"));
        Assert.That(refusal.ExitCode, Is.EqualTo(2));
    }

    [Test]
    public void Thresholds_AreTaken()
    {
        var destination = GrammarRig.Parse("-e -t 10.0.0.1:80 -r 192.168.0.5 -x 2147483647 -y 5").Destination!;

        Assert.That(destination.UpperThreshold, Is.EqualTo(int.MaxValue));
        Assert.That(destination.LowerThreshold, Is.EqualTo(5));
    }

    [TestCase("-x 2147483648", "illegal u_threshold specified")]
    [TestCase("-x abc", "illegal u_threshold specified")]
    [TestCase("-y -1", "illegal l_threshold specified")]
    public void BadThreshold_IsIllegal(string option, string message)
    {
        var refusal = GrammarRig.Refusal($"-a -t 10.0.0.1:80 -r 192.168.0.5 {option}");

        Assert.That(refusal.Message, Is.EqualTo(message));
        Assert.That(refusal.ExitCode, Is.EqualTo(2));
    }
}
