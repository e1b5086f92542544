using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Tests.Grammar;

/// <summary>process_options' defaults: weight 1, direct routing, a /32 persistence mask, and wlc for -A and -E.</summary>
public sealed class DefaultsTests
{
    [Test]
    public void AddServer_WithoutMethodOrWeight_IsDirectRouteWeightOne()
    {
        var command = GrammarRig.Parse("-a -t 10.0.0.1:80 -r 192.168.0.5");

        Assert.That(command.Destination, Is.EqualTo(
            new DestinationSpec(Ipv4Address.Parse("192.168.0.5"), 80, ForwardingMethod.DirectRoute, Weight: 1, UpperThreshold: 0, LowerThreshold: 0)));
    }

    [TestCase("-A -t 10.0.0.1:80")]
    [TestCase("-E -t 10.0.0.1:80")]
    [TestCase("-A -t 10.0.0.1:80 -p 60")]
    public void ServiceWithoutScheduler_IsWlc(string line)
    {
        Assert.That(GrammarRig.Parse(line).ServiceSettings!.SchedulerName, Is.EqualTo("wlc"));
    }

    [Test]
    public void ServiceWithScheduler_KeepsIt()
    {
        Assert.That(GrammarRig.Parse("-E -t 10.0.0.1:80 -s sh").ServiceSettings!.SchedulerName, Is.EqualTo("sh"));
    }

    [Test]
    public void ServiceWithoutNetmask_HasAllOnesMask()
    {
        var settings = GrammarRig.Parse("-A -t 10.0.0.1:80 -p").ServiceSettings!;

        Assert.That(settings.PersistenceMask, Is.EqualTo(0xFFFFFFFFu));
    }

    [Test]
    public void ServiceWithNetmask_TakesIt()
    {
        var settings = GrammarRig.Parse("-A -t 10.0.0.1:80 -p -M 255.255.255.0").ServiceSettings!;

        Assert.That(settings.PersistenceMask, Is.EqualTo(Ipv4Address.Parse("255.255.255.0").Value));
    }

    [Test]
    public void BadNetmask_IsRefused()
    {
        var refusal = GrammarRig.Refusal("-A -t 10.0.0.1:80 -p -M 255.255.255.999");

        Assert.That(refusal.Message, Is.EqualTo("illegal virtual server persistent mask specified"));
        Assert.That(refusal.ExitCode, Is.EqualTo(2));
    }

    [Test]
    public void ServiceWithoutPersistence_HasNone()
    {
        Assert.That(GrammarRig.Parse("-A -t 10.0.0.1:80").ServiceSettings!.PersistenceTimeout, Is.Null);
    }
}
