using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Grammar;

namespace Forwarder.Ipvsadm.Tests.Grammar;

/// <summary>Every option has its long name in ipvsadm's popt table; they mean the same as the letters.</summary>
public sealed class LongOptionTests
{
    [Test]
    public void AddService_LongNames_SetServiceAndScheduler()
    {
        var command = GrammarRig.Parse("--add-service --tcp-service 10.0.0.1:80 --scheduler rr --persistent 600");

        Assert.That(command.Kind, Is.EqualTo(IpvsadmCommandKind.AddService));
        Assert.That(command.ServiceSettings, Is.EqualTo(new ServiceSpec(GrammarRig.Tcp("10.0.0.1", 80), "rr", 600)));
    }

    [Test]
    public void AddServer_LongNames_SetEveryDestinationField()
    {
        var command = GrammarRig.Parse(
            "--add-server --udp-service 10.0.0.1:53 --real-server 192.168.0.5:5353 --masquerading --weight 7 --u-threshold 90 --l-threshold 10");

        Assert.That(command.Kind, Is.EqualTo(IpvsadmCommandKind.AddServer));
        Assert.That(command.Service, Is.EqualTo(GrammarRig.Udp("10.0.0.1", 53)));
        Assert.That(command.Destination, Is.EqualTo(
            new DestinationSpec(Ipv4Address.Parse("192.168.0.5"), 5353, ForwardingMethod.Masquerade, 7, 90, 10)));
    }

    [TestCase("--gatewaying", ForwardingMethod.DirectRoute)]
    [TestCase("--ipip", ForwardingMethod.Tunnel)]
    [TestCase("--masquerading", ForwardingMethod.Masquerade)]
    public void EditServer_LongMethodName_SetsMethod(string methodOption, ForwardingMethod expected)
    {
        var command = GrammarRig.Parse($"--edit-server -t 10.0.0.1:80 -r 192.168.0.5 {methodOption}");

        Assert.That(command.Kind, Is.EqualTo(IpvsadmCommandKind.EditServer));
        Assert.That(command.Destination!.Method, Is.EqualTo(expected));
    }

    [TestCase("--list --numeric --connection", IpvsadmCommandKind.List)]
    [TestCase("--delete-service -t 10.0.0.1:80", IpvsadmCommandKind.DeleteService)]
    [TestCase("--delete-server -t 10.0.0.1:80 -r 192.168.0.5", IpvsadmCommandKind.DeleteServer)]
    [TestCase("--edit-service -t 10.0.0.1:80", IpvsadmCommandKind.EditService)]
    [TestCase("--clear", IpvsadmCommandKind.Clear)]
    [TestCase("--zero", IpvsadmCommandKind.Zero)]
    [TestCase("--save", IpvsadmCommandKind.Save)]
    [TestCase("--restore", IpvsadmCommandKind.Restore)]
    [TestCase("--help", IpvsadmCommandKind.Help)]
    [TestCase("--version", IpvsadmCommandKind.Version)]
    [TestCase("-h", IpvsadmCommandKind.Help)]
    [TestCase("-v", IpvsadmCommandKind.Version)]
    public void LongCommand_NamesItsCommand(string line, IpvsadmCommandKind expected)
    {
        Assert.That(GrammarRig.Parse(line).Kind, Is.EqualTo(expected));
    }

    [Test]
    public void ListLongFlags_MapToListingFlags()
    {
        var command = GrammarRig.Parse("--list --numeric --thresholds --persistent-conn --nosort");

        Assert.That(command.Listing, Is.EqualTo(
            ListingFlags.Numeric | ListingFlags.Thresholds | ListingFlags.PersistentConnections | ListingFlags.NoSort));
    }
}
