using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Listing;

namespace Forwarder.Ipvsadm.Tests.Listing;

public sealed class NameResolverTests
{
    [Test]
    public void Numeric_KnowsNoNames()
    {
        Assert.Multiple(() =>
        {
            Assert.That(NumericNameResolver.Instance.PortName(80, IpProtocol.Tcp), Is.Null);
            Assert.That(NumericNameResolver.Instance.HostName(Ipv4Address.Parse("127.0.0.1")), Is.Null);
        });
    }

    [Test]
    public void WithoutServicesFile_BuiltInTableNamesWellKnownPorts()
    {
        var names = new ServicesFileNameResolver(null);

        Assert.Multiple(() =>
        {
            Assert.That(names.PortName(80, IpProtocol.Tcp), Is.EqualTo("http"));
            Assert.That(names.PortName(443, IpProtocol.Tcp), Is.EqualTo("https"));
            Assert.That(names.PortName(21, IpProtocol.Tcp), Is.EqualTo("ftp"));
            Assert.That(names.PortName(22, IpProtocol.Tcp), Is.EqualTo("ssh"));
            Assert.That(names.PortName(25, IpProtocol.Tcp), Is.EqualTo("smtp"));
            Assert.That(names.PortName(53, IpProtocol.Udp), Is.EqualTo("domain"));
            Assert.That(names.PortName(8080, IpProtocol.Tcp), Is.EqualTo("http-alt"));
            Assert.That(names.PortName(40000, IpProtocol.Tcp), Is.Null);
        });
    }

    [Test]
    public void ServicesFile_FirstLineForAPortAndProtocolWins_CommentsIgnored()
    {
        const string services =
            "# Network services\n" +
            "http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP\n" +
            "www-alt\t\t80/tcp\n" +
            "webcache\t8080/tcp\t\thttp-alt\n" +
            "domain\t\t53/udp\n" +
            "broken line\n";
        var names = new ServicesFileNameResolver(services);

        Assert.Multiple(() =>
        {
            Assert.That(names.PortName(80, IpProtocol.Tcp), Is.EqualTo("http"));
            Assert.That(names.PortName(8080, IpProtocol.Tcp), Is.EqualTo("webcache"));
            Assert.That(names.PortName(53, IpProtocol.Udp), Is.EqualTo("domain"));
            // The file decides alone: it has no 53/tcp line, so 53/tcp has no name.
            Assert.That(names.PortName(53, IpProtocol.Tcp), Is.Null);
        });
    }

    [Test]
    public void HostNames_ComeFromTheInjectedLookup()
    {
        var names = new ServicesFileNameResolver(null, address => address == Ipv4Address.Parse("192.168.1.113") ? "lvs" : null);

        Assert.Multiple(() =>
        {
            Assert.That(names.HostName(Ipv4Address.Parse("192.168.1.113")), Is.EqualTo("lvs"));
            Assert.That(names.HostName(Ipv4Address.Parse("192.168.1.114")), Is.Null);
        });
    }
}
