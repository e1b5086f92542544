using Forwarder.Ipvsadm.Grammar;

namespace Forwarder.Ipvsadm.Tests.Grammar;

/// <summary>
/// parse_options reads the command from the first option only: anything else first is tryhelp_exit (255),
/// and a second command later reaches the option switch's default, "invalid option" (fail, 2).
/// </summary>
public sealed class CommandPlacementTests
{
    [Test]
    public void NoArguments_ListsTheTable()
    {
        var command = GrammarRig.Parser.Parse([]);

        Assert.That(command.Kind, Is.EqualTo(IpvsadmCommandKind.List));
        Assert.That(command.Listing, Is.EqualTo(ListingFlags.None));
    }

    [TestCase("-n -L")]
    [TestCase("-t 10.0.0.1:80 -A")]
    [TestCase("-r 192.168.0.5 -a -t 10.0.0.1:80")]
    [TestCase("--numeric --list")]
    [TestCase("stray -L")]
    public void OptionBeforeCommand_IsTryHelpWith255(string line)
    {
        var refusal = GrammarRig.Refusal(line);

        Assert.That(refusal.Message, Is.EqualTo("Try `ipvsadm -h' or 'ipvsadm --help' for more information."));
        Assert.That(refusal.ExitCode, Is.EqualTo(255));
    }

    [TestCase("-A -t 10.0.0.1:80 -E", "-E")]
    [TestCase("-L -n -C", "-C")]
    [TestCase("-L -Z", "-Z")]
    [TestCase("-a -t 10.0.0.1:80 -r 192.168.0.5 --delete-server", "--delete-server")]
    public void SecondCommand_IsInvalidOptionWith2(string line, string second)
    {
        var refusal = GrammarRig.Refusal(line);

        Assert.That(refusal.Message, Is.EqualTo($"invalid option `{second}'"));
        Assert.That(refusal.ExitCode, Is.EqualTo(2));
    }
}
