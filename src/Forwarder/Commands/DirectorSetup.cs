using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Core.Topology;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Rules;

namespace Forwarder.Commands;

/// <summary>Builds an engine from a topology and a rules file: the same wiring for replay and the live director.</summary>
public static class DirectorSetup
{
    /// <summary>
    /// Refuses a connection table bound below 1 in the command line's words, the same for run and replay
    /// (the table's own guard would say it in .NET's).
    /// </summary>
    /// <exception cref="ArgumentException">The bound is below 1.</exception>
    public static void CheckMaxConnections(int maxConnections)
    {
        if (maxConnections < 1)
        {
            throw new ArgumentException($"--max-connections must be at least 1, got {maxConnections}");
        }
    }

    /// <param name="maxConnections">The connection table's bound.</param>
    /// <param name="parser">How the rules read names; the system's files by default.</param>
    public static DirectorEngine Build(DirectorTopology topology, string rulesText, int maxConnections = ConnectionTable.DefaultMaximum, IpvsadmParser? parser = null)
    {
        var rules = RulesFile.Parse(rulesText, parser);
        var timeouts = new ConnectionTimeouts();
        var services = new ServiceTable(SchedulerRegistry.Create);
        CommandApplier.ApplyAll(rules, services, timeouts);
        var connections = new ConnectionTable(timeouts, maxConnections);
        return new DirectorEngine(topology, services, connections);
    }
}
