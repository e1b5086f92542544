using Forwarder.Ipvsadm.Grammar;

namespace Forwarder.Ipvsadm.Tests.Grammar;

/// <summary>--set takes exactly three timeouts, tcp tcpfin udp, each 0..86400*31 (0 leaves one unchanged).</summary>
public sealed class SetTimeoutsTests
{
    [TestCase("--set 900 120 300", 900, 120, 300)]
    [TestCase("--set 0 0 77", 0, 0, 77)]
    [TestCase("--set 2678400 1 0", 2678400, 1, 0)]
    public void ThreeValues_AreTheTimeouts(string line, int tcp, int tcpFin, int udp)
    {
        var command = GrammarRig.Parse(line);

        Assert.That(command.Kind, Is.EqualTo(IpvsadmCommandKind.SetTimeouts));
        Assert.That(command.Timeouts, Is.EqualTo((tcp, tcpFin, udp)));
    }

    [TestCase("--set 900 120")]
    [TestCase("--set 900")]
    public void TooFewValues_AreRefused(string line)
    {
        var refusal = GrammarRig.Refusal(line);

        Assert.That(refusal.Message, Is.EqualTo("--set option requires 3 timeout values"));
        Assert.That(refusal.ExitCode, Is.EqualTo(2));
    }

    [Test]
    public void FourthValue_IsUnexpected()
    {
        var refusal = GrammarRig.Refusal("--set 900 120 300 400");

        Assert.That(refusal.Message, Is.EqualTo("unexpected argument 400"));
        Assert.That(refusal.ExitCode, Is.EqualTo(2));
    }

    [TestCase("--set 900 abc 300", "abc")]
    [TestCase("--set 2678401 0 0", "2678401")]
    public void BadValue_IsInvalidTimeout(string line, string bad)
    {
        var refusal = GrammarRig.Refusal(line);

        Assert.That(refusal.Message, Is.EqualTo($"invalid timeout value `{bad}' specified"));
        Assert.That(refusal.ExitCode, Is.EqualTo(2));
    }
}
