namespace Forwarder.Ipvsadm.Tests.Grammar;

/// <summary>-o (one-packet scheduling) is for UDP only; -b names scheduler flags, the sh-* ones for sh alone.</summary>
public sealed class ServiceFlagTests
{
    [TestCase("-A -t 10.0.0.1:80 -o")]
    [TestCase("-E -t 10.0.0.1:80 -s rr --ops")]
    public void OnePacketOnTcp_IsRefused(string line)
    {
        var refusal = GrammarRig.Refusal(line);

        Assert.That(refusal.Message, Is.EqualTo("One-Packet Scheduling is only for UDP virtual services"));
        Assert.That(refusal.ExitCode, Is.EqualTo(2));
    }

    [Test]
    public void OnePacketOnUdp_IsAccepted()
    {
        Assert.That(GrammarRig.Parse("-A -u 10.0.0.1:53 -s rr -o").ServiceSettings!.Key, Is.EqualTo(GrammarRig.Udp("10.0.0.1", 53)));
    }

    [TestCase("-A -t 10.0.0.1:80 -s sh -b sh-fallback,sh-port", "sh-fallback,sh-port")]
    [TestCase("-A -t 10.0.0.1:80 -s mh --sched-flags mh-port", "mh-port")]
    [TestCase("-E -t 10.0.0.1:80 -s rr -b flag-1,flag-3", "flag-1,flag-3")]
    public void KnownFlags_AreKept(string line, string expected)
    {
        Assert.That(GrammarRig.Parse(line).ServiceSettings!.SchedulerFlags, Is.EqualTo(expected));
    }

    [TestCase("-A -t 10.0.0.1:80 -s sh -b sh-nosuch", "invalid scheduler flag `sh-nosuch'")]
    [TestCase("-A -t 10.0.0.1:80 -s sh -b sh-port,bogus", "invalid scheduler flag `bogus'")]
    [TestCase("-A -t 10.0.0.1:80 -s rr -b sh-fallback", "incompatible scheduler flag `sh-fallback'")]
    [TestCase("-A -t 10.0.0.1:80 -b sh-port", "incompatible scheduler flag `sh-port'")]
    [TestCase("-A -t 10.0.0.1:80 -s sh -b mh-port", "incompatible scheduler flag `mh-port'")]
    public void BadFlags_AreRefused(string line, string message)
    {
        var refusal = GrammarRig.Refusal(line);

        Assert.That(refusal.Message, Is.EqualTo(message));
        Assert.That(refusal.ExitCode, Is.EqualTo(2));
    }
}
