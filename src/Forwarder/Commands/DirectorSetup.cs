using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Services;
using Forwarder.Core.Topology;
using Forwarder.Ipvsadm.Rules;

namespace Forwarder.Commands;

/// <summary>Builds an engine from a topology and a rules file: the same wiring for replay and the live director.</summary>
public static class DirectorSetup
{
    /// <param name="maxConnections">The connection table's bound.</param>
    public static DirectorEngine Build(DirectorTopology topology, string rulesText, int maxConnections = ConnectionTable.DefaultMaximum)
    {
        var rules = RulesFile.Parse(rulesText);
        var timeouts = new ConnectionTimeouts();
        var services = new ServiceTable();
        CommandApplier.ApplyAll(rules, services, timeouts);
        var connections = new ConnectionTable(timeouts, maxConnections);
        return new DirectorEngine(topology, services, connections);
    }
}
