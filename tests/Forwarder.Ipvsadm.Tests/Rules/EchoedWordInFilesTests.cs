using Forwarder.Core;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Naming;
using Forwarder.Ipvsadm.Rules;

namespace Forwarder.Ipvsadm.Tests.Rules;

/// <summary>A rules or commands file's refusals repeat its words as <see cref="EchoedText"/> shows them: escaped and cut.</summary>
public sealed class EchoedWordInFilesTests
{
    private static readonly IpvsadmParser Parser = new(ServiceNames.BuiltIn, HostNames.None);

    [Test]
    public void RulesLine_WithAControlCharacter_IsRefusedEscaped()
    {
        var refusal = Assert.Throws<LineFormatException>(() => RulesFile.Parse("-A -t 10.0.0.1:80 -s rr\n-A -t 10.0.0.2:80 \u001b[31m\n", Parser))!;

        Assert.That(refusal.Message, Is.EqualTo("line 2: unexpected argument \\x1b[31m"));
    }

    [Test]
    public void CommandsLine_WithAControlCharacterForATime_IsRefusedEscaped()
    {
        var refusal = Assert.Throws<LineFormatException>(() => TimedCommandsFile.Parse("1\u001b[2J -C\n", Parser))!;

        Assert.That(refusal.Reason, Does.StartWith("'1\\x1b[2J' is not a time:"));
    }

    [Test]
    public void CommandsLine_WithAMegabyteTime_IsRefusedCut()
    {
        var time = new string('0', 1_000_000) + "1";

        var refusal = Assert.Throws<LineFormatException>(() => TimedCommandsFile.Parse(time + "\n", Parser))!;

        Assert.That(refusal.Reason, Is.EqualTo($"no ipvsadm command after the time {new string('0', 256)}..."));
    }

    [Test]
    public void CommandsLine_WithTooManyDecimals_IsRefusedCut()
    {
        var time = "1." + new string('5', 100_000);

        var refusal = Assert.Throws<LineFormatException>(() => TimedCommandsFile.Parse(time + " -C\n", Parser))!;

        Assert.That(refusal.Reason, Is.EqualTo($"'1.{new string('5', 254)}...' has more than 6 decimals: the capture's clock counts microseconds"));
    }
}
