using Forwarder.Core;
using Forwarder.Ipvsadm.Rules;

namespace Forwarder.Ipvsadm.Tests.Rules;

/// <summary>A replay's commands file: a time and an ipvsadm command per line, checked whole, returned in running order.</summary>
public sealed class TimedCommandsFileTests
{
    private static IReadOnlyList<TimedCommand> Parse(string text) => TimedCommandsFile.Parse(text, RulesRig.Parser);

    [Test]
    public void Lines_ComeBackByTime_TiesInFileOrder_WithTheirLineNumbers()
    {
        const string text = "# edits\n2 -C\n\n1.5 -A -t 10.0.0.1:80 -s rr\n1.5 -a -t 10.0.0.1:80 -r 10.0.0.2\n-1 --set 10 20 30\n";

        var commands = Parse(text);

        Assert.That(commands.Select(c => (c.LineNumber, c.OffsetMicroseconds)), Is.EqualTo(new[]
        {
            (6, -1_000_000L), (4, 1_500_000L), (5, 1_500_000L), (2, 2_000_000L),
        }));
        Assert.That(commands[1].Arguments, Is.EqualTo(new[] { "-A", "-t", "10.0.0.1:80", "-s", "rr" }));
    }

    [Test]
    public void Words_AreSplitAsIpvsadmRestoreSplitsThem()
    {
        var commands = Parse("0\tipvsadm  -D -t 10.0.0.1:80\r\n");

        Assert.That(commands.Single().Arguments, Is.EqualTo(new[] { "-D", "-t", "10.0.0.1:80" }));
    }

    [TestCase("-A")]
    [TestCase("-E")]
    [TestCase("-D")]
    [TestCase("-a")]
    [TestCase("-e")]
    [TestCase("-d")]
    public void EveryTableEdit_IsTaken(string command)
    {
        var arguments = command switch
        {
            "-A" or "-E" => $"{command} -t 10.0.0.1:80 -s rr",
            "-D" => $"{command} -t 10.0.0.1:80",
            _ => $"{command} -t 10.0.0.1:80 -r 10.0.0.2",
        };

        Assert.That(Parse($"1 {arguments}\n").Single().Arguments[0], Is.EqualTo(command));
    }

    [TestCase("-C")]
    [TestCase("-Z")]
    [TestCase("--set 1 2 3")]
    public void ClearZeroAndSet_AreTaken(string command) =>
        Assert.That(Parse($"1 {command}\n"), Has.Count.EqualTo(1));

    [TestCase("-Ln")]
    [TestCase("-S")]
    [TestCase("-R")]
    [TestCase("-h")]
    [TestCase("-v")]
    public void CommandThatDoesNotEditTheTable_IsRefusedWithItsLine(string command)
    {
        var refusal = Assert.Throws<LineFormatException>(() => Parse($"0 -C\n3 {command}\n"))!;

        Assert.That(refusal.LineNumber, Is.EqualTo(2));
        Assert.That(refusal.Reason, Is.EqualTo($"'{command}' does not edit the table and has no place in a commands file"));
    }

    [Test]
    public void MalformedTime_IsRefusedWithItsLine()
    {
        var refusal = Assert.Throws<LineFormatException>(() => Parse("1 -C\n1,5 -C\n"))!;

        Assert.That(refusal.LineNumber, Is.EqualTo(2));
        Assert.That(refusal.Reason, Does.StartWith("'1,5' is not a time"));
    }

    [Test]
    public void LineIpvsadmRefuses_IsRefusedInIpvsadmsWords()
    {
        var refusal = Assert.Throws<LineFormatException>(() => Parse("1 -A -t 10.0.0.1:99999 -s rr\n"))!;

        Assert.That(refusal.LineNumber, Is.EqualTo(1));
        Assert.That(refusal.Reason, Is.EqualTo("illegal virtual server address[:port] specified"));
    }

    [Test]
    public void TimeAlone_IsRefused()
    {
        var refusal = Assert.Throws<LineFormatException>(() => Parse("# nothing\n4\n"))!;

        Assert.That(refusal.LineNumber, Is.EqualTo(2));
        Assert.That(refusal.Reason, Is.EqualTo("no ipvsadm command after the time 4"));
    }
}
