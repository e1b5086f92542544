namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>Every scenario the builder knows; adding one is one line here.</summary>
public static class ScenarioCatalog
{
    public static IReadOnlyList<ICaptureScenario> All { get; } =
    [
        new SeedNatRoundRobinScenario(),
        new DirectRoutingWeightedRoundRobinScenario(),
        new SchedulerWeightedRoundRobinScenario(),
        new SchedulerWeightedLeastConnectionScenario(),
        new SchedulerLocalityScenario(),
        new SchedulerSourceHashingScenario(),
        new TunnelRoundRobinScenario(),
        new SynFloodScenario(),
        new MasqueradeScenario(),
        new IcmpErrorsScenario(),
        new FirewallMarkPersistenceScenario(),
        SeedNatRoundRobinScenario.OverIpv6(),
        DirectRoutingWeightedRoundRobinScenario.OverIpv6(),
        new Ipv6NeighborDiscoveryScenario(),
        new Ipv6PacketTooBigScenario(),
        new Ipv6TunnelScenario(),
    ];

    public static ICaptureScenario Find(string name) =>
        All.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"unknown scenario '{name}' (known: {string.Join(", ", All.Select(s => s.Name))})");
}
