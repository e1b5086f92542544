using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Tests.Grammar;

namespace Forwarder.Ipvsadm.Tests.Rules;

/// <summary>The lines ipvsadm -S writes, as ipvsadm -R reads them back.</summary>
public sealed class RulesFileFormatTests
{
    private const string SavedRules =
        "-A -t 192.168.1.199:80 -s rr\n" +
        "-a -t 192.168.1.199:80 -r 10.0.0.2:80 -m -w 1\n" +
        "-a -t 192.168.1.199:80 -r 10.0.0.3:8080 -m -w 3\n" +
        "-A -u 192.168.1.199:53 -s wlc -p 600\n" +
        "-a -u 192.168.1.199:53 -r 10.0.0.4:53 -g -w 1\n";

    [Test]
    public void SavedLines_ParseInOrderWithTheirLineNumbers()
    {
        var rules = RulesRig.Parse(SavedRules);

        Assert.That(rules.Select(r => r.LineNumber), Is.EqualTo(new[] { 1, 2, 3, 4, 5 }));
        Assert.That(rules.Select(r => r.Command.Kind), Is.EqualTo(new[]
        {
            IpvsadmCommandKind.AddService, IpvsadmCommandKind.AddServer, IpvsadmCommandKind.AddServer,
            IpvsadmCommandKind.AddService, IpvsadmCommandKind.AddServer,
        }));
    }

    [Test]
    public void SavedLines_BuildTheTable()
    {
        var rig = new RulesRig();

        rig.Load(SavedRules);

        Assert.That(rig.Table.Count, Is.EqualTo(2));
        var http = rig.Service(GrammarRig.Tcp("192.168.1.199", 80));
        Assert.That(http.Scheduler.Name, Is.EqualTo("rr"));
        Assert.That(http.Destinations.Select(d => (d.Address.ToString(), d.Port, d.Method, d.Weight)), Is.EqualTo(new[]
        {
            ("10.0.0.3", (ushort)8080, ForwardingMethod.Masquerade, 3),
            ("10.0.0.2", (ushort)80, ForwardingMethod.Masquerade, 1),
        }));
    }

    [Test]
    public void UdpService_IsUdpWithItsPersistence()
    {
        var rig = new RulesRig();

        rig.Load(SavedRules);

        var dns = rig.Service(GrammarRig.Udp("192.168.1.199", 53));
        Assert.That(dns.Protocol, Is.EqualTo(IpProtocol.Udp));
        Assert.That(dns.PersistenceTimeout, Is.EqualTo(600));
        Assert.That(dns.Destinations.Single().Method, Is.EqualTo(ForwardingMethod.DirectRoute));
        Assert.That(rig.Table.TryGet(GrammarRig.Tcp("192.168.1.199", 53), out _), Is.False);
    }

    [TestCase("ipvsadm -A -t 10.0.0.1:80 -s rr")]
    [TestCase("/sbin/ipvsadm -A -t 10.0.0.1:80 -s rr")]
    [TestCase("/usr/sbin/ipvsadm -A -t 10.0.0.1:80 -s rr")]
    [TestCase("-A -t 10.0.0.1:80 -s rr")]
    [TestCase("  -A   -t 10.0.0.1:80\t-s rr  ")]
    public void ProgramNamePrefixAndSpacing_AreAccepted(string line)
    {
        var command = RulesRig.Parse(line).Single().Command;

        Assert.That(command.ServiceSettings, Is.EqualTo(new ServiceSpec(GrammarRig.Tcp("10.0.0.1", 80), "rr")));
    }

    [Test]
    public void BlankLinesAndComments_AreSkippedButCounted()
    {
        const string text =
            "# saved by ipvsadm -S\n" +
            "\n" +
            "   \n" +
            "-A -t 10.0.0.1:80 -s rr\n" +
            "    # indented comment\n" +
            "-a -t 10.0.0.1:80 -r 10.0.0.2\n";

        var rules = RulesRig.Parse(text);

        Assert.That(rules.Select(r => r.LineNumber), Is.EqualTo(new[] { 4, 6 }));
    }

    [Test]
    public void CrlfLineEndings_AreRead()
    {
        var rig = new RulesRig();

        rig.Load("-A -t 10.0.0.1:http -s rr\r\n\r\n-a -t 10.0.0.1:http -r 10.0.0.2:http -m -w 5\r\n");

        var destination = rig.Service(GrammarRig.Tcp("10.0.0.1", 80)).Destinations.Single();
        Assert.That(destination.Address.AsIpv4(), Is.EqualTo(Ipv4Address.Parse("10.0.0.2")));
        Assert.That(destination.Weight, Is.EqualTo(5));
    }

    [Test]
    public void EmptyText_HasNoRules()
    {
        Assert.That(RulesRig.Parse(string.Empty), Is.Empty);
    }
}
