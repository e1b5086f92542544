using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>
/// lblc, as <c>ip_vs_lblc.c</c>: each target (destination) address sticks to one server. A flow whose
/// target is known goes to that server if it is still in the service, has weight &gt; 0 and is not
/// overloaded by the locality rule (<see cref="LocalityOverloadRule"/>; the -x threshold mark is not
/// consulted for a mapped server, as in the kernel). Otherwise the wlc choice serves the flow and becomes
/// the target's server. Looking an entry up refreshes its last use; idle entries go as described on
/// <see cref="LocalityTable{TEntry}"/>.
/// </summary>
public sealed class LocalityBasedLeastConnectionScheduler : IScheduler
{
    private LocalityTable<LocalityServerEntry> _table = new();

    public string Name => "lblc";

    /// <summary>Targets currently mapped (for tests and diagnostics).</summary>
    public int MappedTargets => _table.Count;

    public void Initialize(VirtualService service) => _table = new LocalityTable<LocalityServerEntry>();

    public Destination? Schedule(VirtualService service, in FlowInfo flow)
    {
        _table.RunDueTicks(flow.Now);
        var entry = _table.Find(flow.DestinationAddress);
        if (entry is not null)
        {
            entry.LastUse = flow.Now;
            var mapped = entry.Server;
            if (mapped.IsAvailable && mapped.Weight > 0 && !LocalityOverloadRule.IsOverloaded(mapped, service))
            {
                return mapped;
            }
        }
        var chosen = WeightedLeastConnectionChoice.Choose(service.Destinations);
        if (chosen is null)
        {
            return null;
        }
        if (entry is null)
        {
            _table.Insert(new LocalityServerEntry(flow.DestinationAddress, chosen, flow.Now));
        }
        else
        {
            entry.Server = chosen;
        }
        return chosen;
    }
}
