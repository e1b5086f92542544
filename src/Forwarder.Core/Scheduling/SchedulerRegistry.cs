using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>The schedulers by the names ipvsadm's -s takes. Adding a scheduler is one line here.</summary>
public static class SchedulerRegistry
{
    private static readonly Dictionary<string, Func<IScheduler>> Factories = new(StringComparer.Ordinal)
    {
        ["rr"] = () => new RoundRobinScheduler(),
        ["wrr"] = () => new WeightedRoundRobinScheduler(),
        ["lc"] = () => new LeastConnectionScheduler(),
        ["wlc"] = () => new WeightedLeastConnectionScheduler(),
        ["sed"] = () => new ShortestExpectedDelayScheduler(),
        ["nq"] = () => new NeverQueueScheduler(),
        ["lblc"] = () => new LocalityBasedLeastConnectionScheduler(),
        ["lblcr"] = () => new LocalityBasedLeastConnectionWithReplicationScheduler(),
        ["dh"] = () => new DestinationHashingScheduler(),
        ["sh"] = () => new SourceHashingScheduler(),
        ["fo"] = () => new WeightedFailoverScheduler(),
        ["ovf"] = () => new OverflowConnectionScheduler(),
        ["mh"] = () => new MaglevHashingScheduler(),
    };

    public static IReadOnlyCollection<string> Names => Factories.Keys;

    public static bool IsKnown(string name) => Factories.ContainsKey(name);

    /// <summary>A fresh scheduler with its own state, or null for a name the director does not have.</summary>
    public static IScheduler? Create(string name) => Factories.TryGetValue(name, out var factory) ? factory() : null;
}
