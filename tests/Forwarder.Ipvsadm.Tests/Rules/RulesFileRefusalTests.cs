using Forwarder.Core;

namespace Forwarder.Ipvsadm.Tests.Rules;

/// <summary>Every line is checked before any is returned: a bad line anywhere refuses the whole file, naming its line.</summary>
public sealed class RulesFileRefusalTests
{
    [TestCase("-A -t 10.0.0.1:99999 -s rr", "illegal virtual server address[:port] specified")]
    [TestCase("-a -t 10.0.0.1:80 -r 10.0.0.9 -w 2147483648", "illegal weight specified")]
    [TestCase("-a -t 10.0.0.1:80", "You need to supply the 'real-server' option for the 'add-server' command")]
    [TestCase("-A -t 10.0.0.1:80 -w 2", "Illegal 'weight' option with the 'add-service' command")]
    [TestCase("-A -t 10.0.0.1:0", "Zero port specified for non-persistent service")]
    [TestCase("-n -A -t 10.0.0.1:80", "Try `ipvsadm -h' or 'ipvsadm --help' for more information.")]
    public void BadLine_IsRefusedWithItsNumberAndReason(string badLine, string reason)
    {
        var text = "# rules\n-A -t 10.0.0.1:80 -s rr\n\n" + badLine + "\n-a -t 10.0.0.1:80 -r 10.0.0.2\n";

        var refusal = Assert.Throws<LineFormatException>(() => RulesRig.Parse(text))!;

        Assert.That(refusal.LineNumber, Is.EqualTo(4));
        Assert.That(refusal.Reason, Is.EqualTo(reason));
    }

    [Test]
    public void BadLastLine_RefusesTheWholeFile()
    {
        var rig = new RulesRig();
        const string text = "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2\n-a -t 10.0.0.1:80 -r bogus\n";

        var refusal = Assert.Throws<LineFormatException>(() => rig.Load(text))!;

        Assert.That(refusal.LineNumber, Is.EqualTo(3));
        Assert.That(refusal.Reason, Is.EqualTo("illegal real server address[:port] specified"));
        Assert.That(rig.Table.Count, Is.Zero);
    }

    [TestCase("-Ln")]
    [TestCase("-L -n")]
    [TestCase("-S")]
    [TestCase("-R")]
    [TestCase("-h")]
    public void NonEditingCommand_IsRefusedWithItsLine(string line)
    {
        var refusal = Assert.Throws<LineFormatException>(() => RulesRig.Parse("-C\n" + line + "\n"))!;

        Assert.That(refusal.LineNumber, Is.EqualTo(2));
        Assert.That(refusal.Reason, Does.Contain(line.Split(' ')[0]));
    }
}
