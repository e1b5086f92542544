namespace Forwarder.Ipvsadm.Tests.Grammar;

/// <summary>generic_opt_check: a '+' in commands_v_options that is missing fails with exit 2.</summary>
public sealed class RequiredOptionTests
{
    [TestCase("-A", "service-address", "add-service")]
    [TestCase("-A -s rr", "service-address", "add-service")]
    [TestCase("-E", "service-address", "edit-service")]
    [TestCase("-D", "service-address", "delete-service")]
    [TestCase("-a -r 192.168.0.5", "service-address", "add-server")]
    [TestCase("-a -t 10.0.0.1:80", "real-server", "add-server")]
    [TestCase("-e -t 10.0.0.1:80 -w 3", "real-server", "edit-server")]
    [TestCase("-d -t 10.0.0.1:80", "real-server", "delete-server")]
    public void MissingRequiredOption_IsNamedWithItsCommand(string line, string option, string command)
    {
        var refusal = GrammarRig.Refusal(line);

        Assert.That(refusal.Message, Is.EqualTo($"You need to supply the '{option}' option for the '{command}' command"));
        Assert.That(refusal.ExitCode, Is.EqualTo(2));
    }
}
