using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Naming;

namespace Forwarder.Ipvsadm.Tests.Grammar;

/// <summary>parse_service: an address or host name, then an optional :port given as a number or a service name.</summary>
public sealed class ServiceAddressTests
{
    [TestCase("-A -t 10.0.0.1:http", 80)]
    [TestCase("-A -t 10.0.0.1:https", 443)]
    [TestCase("-A -t 10.0.0.1:8080", 8080)]
    [TestCase("-A -t 10.0.0.1:65535", 65535)]
    public void TcpPort_ByNumberOrName(string line, int expected)
    {
        var service = GrammarRig.Parse(line).Service!.Value;

        Assert.That(service.Protocol, Is.EqualTo(IpProtocol.Tcp));
        Assert.That(service.Port, Is.EqualTo(expected));
    }

    [Test]
    public void UdpService_IsUdpWithNamedPort()
    {
        Assert.That(GrammarRig.Parse("-A -u 10.0.0.1:domain").Service, Is.EqualTo(GrammarRig.Udp("10.0.0.1", 53)));
    }

    [Test]
    public void HostName_FromHostsText_IsResolved()
    {
        var parser = new IpvsadmParser(ServiceNames.BuiltIn, HostNames.Parse("10.9.8.7 web1 web1.example\n# 10.0.0.2 ignored\n"));

        var command = parser.Parse(["-a", "-t", "web1.example:http", "-r", "web1:8080", "-m"]);

        Assert.That(command.Service, Is.EqualTo(GrammarRig.Tcp("10.9.8.7", 80)));
        Assert.That(command.Destination!.Port, Is.EqualTo(8080));
    }

    [TestCase("web1:80")]
    [TestCase("10.0.0.1:65536")]
    [TestCase("10.0.0.1:-1")]
    [TestCase("10.0.0.1:nosuchservice")]
    [TestCase("10.0.0.256:80")]
    [TestCase("10.0.0.1:")]
    [TestCase(":80")]
    [TestCase("1234")]
    public void BadVirtualAddress_IsRefused(string text)
    {
        var refusal = GrammarRig.Refusal($"-A -t {text}");

        Assert.That(refusal.Message, Is.EqualTo("illegal virtual server address[:port] specified"));
        Assert.That(refusal.ExitCode, Is.EqualTo(2));
    }

    [TestCase("web1")]
    [TestCase("192.168.0.5:65536")]
    [TestCase("192.168.0.5:nosuchservice")]
    [TestCase("192.168.0.300")]
    [TestCase("8080")]
    public void BadRealAddress_IsRefused(string text)
    {
        var refusal = GrammarRig.Refusal($"-a -t 10.0.0.1:80 -r {text} -m");

        Assert.That(refusal.Message, Is.EqualTo("illegal real server address[:port] specified"));
        Assert.That(refusal.ExitCode, Is.EqualTo(2));
    }

    [Test]
    public void TcpAndUdpTogether_AreMultipleServiceAddresses()
    {
        var refusal = GrammarRig.Refusal("-A -t 10.0.0.1:80 -u 10.0.0.1:53");

        Assert.That(refusal.Message, Is.EqualTo("multiple 'service-address' options specified"));
        Assert.That(refusal.ExitCode, Is.EqualTo(2));
    }

    [Test]
    public void FirewallMarkService_IsKeyedByItsMarkAlone()
    {
        var command = GrammarRig.Parse("-A -f 7 -s rr");

        Assert.That(command.Service, Is.EqualTo(ServiceKey.ForFirewallMark(7)));
    }

    [TestCase("-A -f 1 -6 -s rr")]
    [TestCase("-A -f 1 --ipv6 -s rr")]
    public void Ipv6FirewallMarkService_IsTheMarksIpv6Service_ApartFromItsIpv4One(string line)
    {
        var command = GrammarRig.Parse(line);

        Assert.That(command.Service, Is.Not.EqualTo(ServiceKey.ForFirewallMark(1)));
        Assert.That(command.Service!.Value.FirewallMark, Is.EqualTo(1u));
        Assert.That(command.Service!.Value.Address.IsIpv6, Is.True);
        Assert.That(command.ServiceSettings!.PersistenceMask, Is.EqualTo(128u));
    }

    [Test]
    public void Ipv6FirewallMarkService_TakesMaskAsPrefixLength_ButAMaskReadBeforeMinus6BecomesAllOfIt()
    {
        Assert.That(GrammarRig.Parse("-A -f 4 -6 -s sh -p 60 -M 64").ServiceSettings!.PersistenceMask, Is.EqualTo(64u));
        // As parse_options, reading in order: -M is an IPv4 mask until -6, which then sets 128.
        Assert.That(GrammarRig.Parse("-A -f 4 -s sh -p 60 -M 255.255.0.0 -6").ServiceSettings!.PersistenceMask, Is.EqualTo(128u));
        Assert.That(GrammarRig.Refusal("-A -f 4 -6 -s sh -p 60 -M 129").Message, Is.EqualTo("illegal ipv6 netmask specified"));
    }

    [Test]
    public void Minus6AsAnOptionsValue_IsThatValue_NotTheFamily()
    {
        var refusal = GrammarRig.Refusal("-A -f 4 -s sh -p 60 -M -6");

        Assert.That(refusal.Message, Is.EqualTo("illegal virtual server persistent mask specified"));
    }
}
