using Forwarder.Core.Connections;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Naming;
using Forwarder.Ipvsadm.Rules;

namespace Forwarder.Ipvsadm.Tests.Rules;

/// <summary>Parses rules text without the machine's /etc files and applies it to a fresh table.</summary>
internal sealed class RulesRig
{
    public static IpvsadmParser Parser { get; } = new(ServiceNames.BuiltIn, HostNames.None);

    public ServiceTable Table { get; } = new(SchedulerRegistry.Create);

    public ConnectionTimeouts Timeouts { get; } = new();

    public static IReadOnlyList<RuleLine> Parse(string text) => RulesFile.Parse(text, Parser);

    public void Load(string text) => CommandApplier.ApplyAll(Parse(text), Table, Timeouts);

    public VirtualService Service(ServiceKey key)
    {
        Assert.That(Table.TryGet(key, out var service), Is.True, $"no service {key}");
        return service;
    }
}
