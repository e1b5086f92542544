using Forwarder.Core;
using Forwarder.Core.Frames;
using Forwarder.Ipvsadm.Tests.Grammar;

namespace Forwarder.Ipvsadm.Tests.Rules;

/// <summary>CommandApplier.ApplyAll: lines take effect in order, and the table's refusals name the line that caused them.</summary>
public sealed class RulesApplyTests
{
    [Test]
    public void DuplicateAddService_IsServiceAlreadyExistsAtItsLine()
    {
        var rig = new RulesRig();

        var refusal = Assert.Throws<LineFormatException>(() => rig.Load("-A -t 10.0.0.1:80 -s rr\n\n-A -t 10.0.0.1:80 -s wlc\n"))!;

        Assert.That(refusal.LineNumber, Is.EqualTo(3));
        Assert.That(refusal.Reason, Is.EqualTo("Service already exists"));
    }

    [Test]
    public void AddServerBeforeItsService_IsServiceNotDefinedAtItsLine()
    {
        var rig = new RulesRig();

        var refusal = Assert.Throws<LineFormatException>(() => rig.Load("# first\n-a -t 10.0.0.1:80 -r 10.0.0.2\n-A -t 10.0.0.1:80\n"))!;

        Assert.That(refusal.LineNumber, Is.EqualTo(2));
        Assert.That(refusal.Reason, Is.EqualTo("Service not defined"));
    }

    [Test]
    public void SameAddressOtherProtocol_IsAnotherService()
    {
        var rig = new RulesRig();

        rig.Load("-A -t 10.0.0.1:53\n-A -u 10.0.0.1:53\n");

        Assert.That(rig.Table.Count, Is.EqualTo(2));
    }

    [Test]
    public void SetLine_UpdatesTimeouts()
    {
        var rig = new RulesRig();

        rig.Load("--set 100 20 50\n");

        Assert.That(rig.Timeouts.TcpEstablishedSeconds, Is.EqualTo(100));
        Assert.That(rig.Timeouts.TcpFinWaitSeconds, Is.EqualTo(20));
        Assert.That(rig.Timeouts.UdpSeconds, Is.EqualTo(50));
    }

    [Test]
    public void SetLineWithZeros_LeavesThoseTimeouts()
    {
        var rig = new RulesRig();

        rig.Load("--set 0 0 77\n");

        Assert.That(rig.Timeouts.TcpEstablishedSeconds, Is.EqualTo(900));
        Assert.That(rig.Timeouts.TcpFinWaitSeconds, Is.EqualTo(120));
        Assert.That(rig.Timeouts.UdpSeconds, Is.EqualTo(77));
    }

    [Test]
    public void AddedDestinations_AreListedNewestFirst()
    {
        var rig = new RulesRig();

        rig.Load(
            "-A -t 192.168.1.100:80 -s rr\n" +
            "-a -t 192.168.1.100:80 -r 192.168.1.254\n" +
            "-a -t 192.168.1.100:80 -r 192.168.1.253\n" +
            "-a -t 192.168.1.100:80 -r 192.168.1.252\n");

        var destinations = rig.Service(GrammarRig.Tcp("192.168.1.100", 80)).Destinations;
        Assert.That(destinations.Select(d => d.Address.AsIpv4()), Is.EqualTo(new[]
        {
            Ipv4Address.Parse("192.168.1.252"), Ipv4Address.Parse("192.168.1.253"), Ipv4Address.Parse("192.168.1.254"),
        }));
    }

    [Test]
    public void EditAndDeleteLines_ChangeWhatEarlierLinesAdded()
    {
        var rig = new RulesRig();

        rig.Load(
            "-A -t 10.0.0.1:80 -s rr\n" +
            "-a -t 10.0.0.1:80 -r 10.0.0.2 -w 1\n" +
            "-a -t 10.0.0.1:80 -r 10.0.0.3 -w 1\n" +
            "-e -t 10.0.0.1:80 -r 10.0.0.2 -w 9\n" +
            "-d -t 10.0.0.1:80 -r 10.0.0.3\n" +
            "-E -t 10.0.0.1:80 -s wlc\n");

        var service = rig.Service(GrammarRig.Tcp("10.0.0.1", 80));
        Assert.That(service.Scheduler.Name, Is.EqualTo("wlc"));
        Assert.That(service.Destinations.Select(d => (d.Address.AsIpv4(), d.Weight)), Is.EqualTo(new[] { (Ipv4Address.Parse("10.0.0.2"), 9) }));
    }

    [Test]
    public void ClearLine_EmptiesTheTable()
    {
        var rig = new RulesRig();

        rig.Load("-A -t 10.0.0.1:80\n-A -t 10.0.0.2:80\n-C\n-A -t 10.0.0.3:80\n");

        Assert.That(rig.Table.Services.Select(s => s.Key), Is.EqualTo(new[] { GrammarRig.Tcp("10.0.0.3", 80) }));
    }
}
