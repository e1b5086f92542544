namespace Forwarder.Ipvsadm.Tests.Grammar;

/// <summary>generic_opt_check: an 'x' in commands_v_options that is given fails with exit 2, naming the option and command.</summary>
public sealed class IllegalOptionTests
{
    [TestCase("-A -t 10.0.0.1:80 -w 2", "weight", "add-service")]
    [TestCase("-A -t 10.0.0.1:80 -r 192.168.0.5", "real-server", "add-service")]
    [TestCase("-A -t 10.0.0.1:80 -m", "forwarding-method", "add-service")]
    [TestCase("-A -t 10.0.0.1:80 -n", "numeric", "add-service")]
    [TestCase("-E -t 10.0.0.1:80 -x 5", "u-threshold", "edit-service")]
    [TestCase("-D -t 10.0.0.1:80 -s rr", "scheduler", "delete-service")]
    [TestCase("-D -t 10.0.0.1:80 -p", "persistent", "delete-service")]
    [TestCase("-C -n", "numeric", "flush")]
    [TestCase("-C -t 10.0.0.1:80", "service-address", "flush")]
    [TestCase("-L -s rr", "scheduler", "list")]
    [TestCase("-L -r 192.168.0.5", "real-server", "list")]
    [TestCase("-L -o", "ops", "list")]
    [TestCase("-a -t 10.0.0.1:80 -r 192.168.0.5 -s rr", "scheduler", "add-server")]
    [TestCase("-a -t 10.0.0.1:80 -r 192.168.0.5 -M 255.255.255.0", "netmask", "add-server")]
    [TestCase("-a -t 10.0.0.1:80 -r 192.168.0.5 -b flag-1", "sched-flags", "add-server")]
    [TestCase("-d -t 10.0.0.1:80 -r 192.168.0.5 -w 3", "weight", "delete-server")]
    [TestCase("-d -t 10.0.0.1:80 -r 192.168.0.5 -m", "forwarding-method", "delete-server")]
    [TestCase("-e -t 10.0.0.1:80 -r 192.168.0.5 -p", "persistent", "edit-server")]
    [TestCase("--set 1 2 3 -n", "numeric", "set")]
    [TestCase("-S -c", "connection", "save")]
    [TestCase("-S -t 10.0.0.1:80", "service-address", "save")]
    [TestCase("-R -n", "numeric", "restore")]
    [TestCase("-Z -n", "numeric", "zero")]
    [TestCase("-Z -t 10.0.0.1:80 -s rr", "scheduler", "zero")]
    public void IllegalOption_IsNamedWithItsCommand(string line, string option, string command)
    {
        var refusal = GrammarRig.Refusal(line);

        Assert.That(refusal.Message, Is.EqualTo($"Illegal '{option}' option with the '{command}' command"));
        Assert.That(refusal.ExitCode, Is.EqualTo(2));
    }

    [TestCase("-Z")]
    [TestCase("-Z -t 10.0.0.1:80")]
    [TestCase("-S")]
    [TestCase("-S -n")]
    [TestCase("-C")]
    [TestCase("-R")]
    [TestCase("-A -u 10.0.0.1:53 -o")]
    public void OptionalOrNoOptions_AreAccepted(string line)
    {
        Assert.That(() => GrammarRig.Parse(line), Throws.Nothing);
    }
}
