using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Tests.Grammar;

/// <summary>
/// --tun-type, --tun-port and the checksum options as ipvsadm 1.31 reads them (each message checked on Debian 12's
/// binary): tunnel options need -i, gue needs a port, gre takes no port and no remote checksum, ipip takes nothing.
/// </summary>
public sealed class TunnelOptionTests
{
    private const string Add = "-a -t 10.0.0.1:80 -r 10.1.0.10 ";

    [TestCase("-i", TunnelType.Ipip, 0, TunnelChecksum.None)]
    [TestCase("-i --tun-type ipip", TunnelType.Ipip, 0, TunnelChecksum.None)]
    [TestCase("-i --tun-type gue --tun-port 6080", TunnelType.Gue, 6080, TunnelChecksum.None)]
    [TestCase("-i --tun-type gue --tun-port 6080 --tun-csum", TunnelType.Gue, 6080, TunnelChecksum.Checksum)]
    [TestCase("-i --tun-type gue --tun-port 65535 --tun-remcsum", TunnelType.Gue, 65535, TunnelChecksum.RemoteChecksum)]
    [TestCase("-i --tun-type gre --tun-nocsum", TunnelType.Gre, 0, TunnelChecksum.None)]
    [TestCase("-i --tun-type gre --tun-csum", TunnelType.Gre, 0, TunnelChecksum.Checksum)]
    public void TunnelOptions_AreStoredOnTheDestination(string options, TunnelType type, int port, TunnelChecksum checksum)
    {
        var destination = GrammarRig.Parse(Add + options).Destination!;

        Assert.That((destination.TunnelType, destination.TunnelPort, destination.TunnelChecksum), Is.EqualTo((type, (ushort)port, checksum)));
    }

    [TestCase("-i --tun-type gue", "You need to supply the 'tun-port' option for the 'gue' tunnel type")]
    [TestCase("-i --tun-type gre --tun-remcsum", "Illegal 'tun-remcsum' option with the 'gre' tunnel type")]
    [TestCase("-i --tun-type gre --tun-port 5", "Illegal 'tun-port' option with the 'gre' tunnel type")]
    [TestCase("-i --tun-port 5", "Illegal 'tun-port' option with the 'ipip' tunnel type")]
    [TestCase("-i --tun-type ipip --tun-csum", "Illegal 'tun-csum' option with the 'ipip' tunnel type")]
    [TestCase("-i --tun-type vxlan", "illegal tunnel type specified")]
    [TestCase("-i --tun-type GUE --tun-port 1", "illegal tunnel type specified")]
    [TestCase("-i --tun-type gue --tun-port 0", "illegal tunnel port specified")]
    [TestCase("-i --tun-type gue --tun-port 65536", "illegal tunnel port specified")]
    [TestCase("-i --tun-type gue --tun-port http", "illegal tunnel port specified")]
    [TestCase("-i --tun-type gue --tun-port 1 --tun-csum --tun-remcsum", "The option 'tun-remcsum' conflicts with the 'tun-csum' option in the 'gue' tunnel type")]
    [TestCase("-i --tun-type gre --tun-csum --tun-nocsum", "The option 'tun-csum' conflicts with the 'tun-nocsum' option in the 'gre' tunnel type")]
    [TestCase("-i --tun-type gre --tun-csum --tun-csum", "multiple 'tun-csum' options specified")]
    [TestCase("-i --tun-type gre --tun-type gue", "multiple 'tun-type' options specified")]
    [TestCase("-m --tun-type gre", "Tunnel options conflict with forward method")]
    [TestCase("--tun-type ipip", "Tunnel options conflict with forward method")]
    [TestCase("-g --tun-csum", "Tunnel options conflict with forward method")]
    [TestCase("-m --tun-type bogus", "illegal tunnel type specified")]
    public void BadTunnelOptions_AreRefusedInIpvsadmsWords(string options, string message)
    {
        var refusal = GrammarRig.Refusal(Add + options);

        Assert.That((refusal.Message, refusal.ExitCode), Is.EqualTo((message, 2)));
    }

    [TestCase("-d -t 10.0.0.1:80 -r 10.1.0.10 --tun-type gre", "Illegal 'tun-type' option with the 'delete-server' command")]
    [TestCase("-A -t 10.0.0.9:80 --tun-info", "Illegal 'tun-info' option with the 'add-service' command")]
    [TestCase("-L -n --tun-type gre", "Illegal 'tun-type' option with the 'list' command")]
    [TestCase("-Sn --tun-info", "Illegal 'tun-info' option with the 'save' command")]
    public void TunnelOptions_BelongToTheirCommands(string line, string message)
    {
        Assert.That(GrammarRig.Refusal(line).Message, Is.EqualTo(message));
    }

    [Test]
    public void TunTypeWithoutValue_IsPoptsMissingArgument()
    {
        var refusal = GrammarRig.Refusal(Add + "--tun-type");

        Assert.That((refusal.Message, refusal.ExitCode), Is.EqualTo(("--tun-type: missing argument", 255)));
    }
}
