using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Tests.Grammar;

/// <summary>
/// -r without a port takes the service's port; for -a/-e with direct routing or tunnelling the
/// destination port is forced to the service's, whatever -r said. Only masquerading may change the port, and
/// -d names a server by the port it has (checked with ipvsadm 1.31: -d of a Masq 8080 server finds it).
/// </summary>
public sealed class RealServerPortTests
{
    [TestCase("-a -t 10.0.0.1:80 -r 192.168.0.5 -m", 80)]
    [TestCase("-a -t 10.0.0.1:80 -r 192.168.0.5:8080 -m", 8080)]
    [TestCase("-a -t 10.0.0.1:80 -r 192.168.0.5:8080 -g", 80)]
    [TestCase("-a -t 10.0.0.1:80 -r 192.168.0.5:8080 -i", 80)]
    [TestCase("-a -t 10.0.0.1:80 -r 192.168.0.5:8080", 80)]
    [TestCase("-e -t 10.0.0.1:443 -r 192.168.0.5:8443 -w 2", 443)]
    [TestCase("-e -t 10.0.0.1:443 -r 192.168.0.5:8443 -m -w 2", 8443)]
    [TestCase("-d -t 10.0.0.1:80 -r 192.168.0.5", 80)]
    [TestCase("-d -t 10.0.0.1:80 -r 192.168.0.5:8080", 8080)]
    [TestCase("-a --sctp-service 10.0.0.1:80 -r 192.168.0.5:8080 -m", 8080)]
    // As parse_options, which copies the service's port when it reads -r: before -t that port is still 0
    // (ipvsadm 1.31 lists "-a -r 10.1.0.9 -t 10.0.0.5:80 -m" as 10.1.0.9:0); -g and -i still take the service's.
    [TestCase("-a -r 192.168.0.5 -t 10.0.0.1:80 -m", 0)]
    [TestCase("-a -r 192.168.0.5 -t 10.0.0.1:80 -g", 80)]
    [TestCase("-d -r 192.168.0.5 -t 10.0.0.1:80", 0)]
    [TestCase("-a -r192.168.0.5 --tcp-service=10.0.0.1:80 -m", 0)]
    public void DestinationPort_FollowsIpvsadm(string line, int expected)
    {
        Assert.That(GrammarRig.Parse(line).Destination!.Port, Is.EqualTo(expected));
    }

    [Test]
    public void PortNameBeforeTheService_IsUnknown()
    {
        Assert.That(GrammarRig.Refusal("-a -r 192.168.0.5:http -t 10.0.0.1:80 -m").Message, Is.EqualTo("illegal real server address[:port] specified"));
    }

    [Test]
    public void MasqueradedPortByName_IsLookedUpForTheServiceProtocol()
    {
        var destination = GrammarRig.Parse("-a -u 10.0.0.1:53 -r 192.168.0.5:domain -m").Destination!;

        Assert.That(destination.Port, Is.EqualTo(53));
        Assert.That(destination.Method, Is.EqualTo(ForwardingMethod.Masquerade));
    }

    [TestCase("-a -t 10.0.0.1:80 -r 192.168.0.5 -m -g")]
    [TestCase("-a -t 10.0.0.1:80 -r 192.168.0.5 -i -m")]
    public void TwoForwardingMethods_AreRefused(string line)
    {
        var refusal = GrammarRig.Refusal(line);

        Assert.That(refusal.Message, Is.EqualTo("multiple 'forwarding-method' options specified"));
        Assert.That(refusal.ExitCode, Is.EqualTo(2));
    }
}
