using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>
/// lblcr, as <c>ip_vs_lblcr.c</c>: each target (destination) address maps to a set of servers. A known
/// target's flow goes to the set's weighted least-connection member (skipping overloaded, quiescent and
/// removed ones); before using it, when the set has more than one member and has not changed for the
/// expiration time (24 h), its weighted most-loaded member is dropped (even if it is the one just
/// picked, which still gets this flow). If no member is usable, or the pick is overloaded by the locality
/// rule (<see cref="LocalityOverloadRule"/>), the service-wide wlc choice serves the flow and joins the
/// set. An unknown target gets the wlc choice as a one-member set. Idle entries go as described on
/// <see cref="LocalityTable{TEntry}"/>.
/// </summary>
public sealed class LocalityBasedLeastConnectionWithReplicationScheduler : IScheduler
{
    private LocalityTable<LocalityServerSetEntry> _table = new();

    public string Name => "lblcr";

    /// <summary>Targets currently mapped (for tests and diagnostics).</summary>
    public int MappedTargets => _table.Count;

    /// <summary>The servers mapped to a target, newest first (for tests and diagnostics).</summary>
    public IReadOnlyList<Destination> ServersOf(InetAddress targetAddress) =>
        _table.Find(targetAddress)?.Servers ?? (IReadOnlyList<Destination>)Array.Empty<Destination>();

    public void Initialize(VirtualService service) => _table = new LocalityTable<LocalityServerSetEntry>();

    public Destination? Schedule(VirtualService service, in FlowInfo flow)
    {
        _table.RunDueTicks(flow.Now);
        var entry = _table.Find(flow.DestinationAddress);
        Destination? chosen;
        if (entry is not null)
        {
            entry.LastUse = flow.Now;
            chosen = LeastLoadedMember(entry.Servers);
            if (entry.Servers.Count > 1 && flow.Now > entry.SetModified + _table.Expiration)
            {
                var most = MostLoadedMember(entry.Servers);
                if (most is not null)
                {
                    entry.Servers.Remove(most);
                    entry.SetModified = flow.Now;
                }
            }
            if (chosen is not null && !LocalityOverloadRule.IsOverloaded(chosen, service))
            {
                return chosen;
            }
            chosen = WeightedLeastConnectionChoice.Choose(service.Destinations);
            if (chosen is null)
            {
                return null;
            }
            if (!entry.Servers.Contains(chosen))
            {
                entry.Servers.Insert(0, chosen);
                entry.SetModified = flow.Now;
            }
            return chosen;
        }
        chosen = WeightedLeastConnectionChoice.Choose(service.Destinations);
        if (chosen is null)
        {
            return null;
        }
        _table.Insert(new LocalityServerSetEntry(flow.DestinationAddress, chosen, flow.Now));
        return chosen;
    }

    /// <summary>
    /// The kernel's set minimum: the first member that is not overloaded, has weight &gt; 0 and is still in
    /// the service, then any later non-overloaded member still in the service that wins the strict
    /// cross-multiplied comparison.
    /// </summary>
    private static Destination? LeastLoadedMember(List<Destination> servers)
    {
        var index = 0;
        Destination? least = null;
        for (; index < servers.Count; index++)
        {
            var candidate = servers[index];
            if (!candidate.IsOverloaded && candidate.Weight > 0 && candidate.IsAvailable)
            {
                least = candidate;
                break;
            }
        }
        if (least is null)
        {
            return null;
        }
        var leastOverhead = least.Overhead;
        for (index++; index < servers.Count; index++)
        {
            var candidate = servers[index];
            if (candidate.IsOverloaded)
            {
                continue;
            }
            var overhead = candidate.Overhead;
            if (leastOverhead * candidate.Weight > overhead * least.Weight && candidate.IsAvailable)
            {
                least = candidate;
                leastOverhead = overhead;
            }
        }
        return least;
    }

    /// <summary>
    /// The kernel's set maximum: the first member with weight &gt; 0, then any later member with weight &gt; 0
    /// and a strictly higher overhead per weight. Overload and removal are not looked at here.
    /// </summary>
    private static Destination? MostLoadedMember(List<Destination> servers)
    {
        var index = 0;
        Destination? most = null;
        for (; index < servers.Count; index++)
        {
            if (servers[index].Weight > 0)
            {
                most = servers[index];
                break;
            }
        }
        if (most is null)
        {
            return null;
        }
        var mostOverhead = most.Overhead;
        for (index++; index < servers.Count; index++)
        {
            var candidate = servers[index];
            var overhead = candidate.Overhead;
            if (mostOverhead * candidate.Weight < overhead * most.Weight && candidate.Weight > 0)
            {
                most = candidate;
                mostOverhead = overhead;
            }
        }
        return most;
    }
}
