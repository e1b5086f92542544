using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Listing;

namespace Forwarder.Monitoring;

/// <summary>
/// Takes <see cref="DirectorSnapshot"/>s. Every method runs on the engine's thread (under its lock, between two
/// frames): nothing here is read while a packet changes it, and the packet path itself does no extra work.
/// </summary>
public sealed class DirectorSnapshotter
{
    private readonly DirectorEngine _engine;
    private readonly IRateSource _rates;
    private readonly Func<IReadOnlyList<InterfaceFigures>> _interfaces;
    private readonly FrameOutcome[] _outcomes = Enum.GetValues<FrameOutcome>();

    // The kernel's tot_stats keep the traffic of services deleted since: each service's figures as last seen,
    // and what deleted ones had.
    private Dictionary<ServiceKey, TrafficFigures> _lastSeen = [];
    private TrafficFigures _retired;

    /// <param name="interfaces">The capture ports' counts (none in replay or tests).</param>
    public DirectorSnapshotter(DirectorEngine engine, IRateSource rates, Func<IReadOnlyList<InterfaceFigures>>? interfaces = null)
    {
        _engine = engine;
        _rates = rates;
        _interfaces = interfaces ?? (() => []);
    }

    public DirectorSnapshot Take()
    {
        var services = new List<ServiceFigures>(_engine.Services.Count);
        var seen = new Dictionary<ServiceKey, TrafficFigures>(_engine.Services.Count);
        var totals = default(TrafficFigures);
        var rates = TrafficRates.Zero;
        foreach (var service in _engine.Services.Services)
        {
            var traffic = TrafficFigures.Of(service.Counters);
            seen[service.Key] = traffic;
            totals += traffic;
            rates = Add(rates, _rates.RatesOf(service.Counters));
            services.Add(new ServiceFigures(service.Protocol, service.Address, service.Port, service.Scheduler.Name,
                service.OnePacket, service.PersistenceTimeout, service.PersistenceMask, traffic,
                service.Destinations.Select(Figures).ToList(), service.Key.FirewallMark));
        }
        foreach (var (key, traffic) in _lastSeen)
        {
            if (!seen.ContainsKey(key))
            {
                _retired += traffic;
            }
        }
        _lastSeen = seen;

        var counters = _engine.Counters;
        var connections = _engine.Connections;
        return new DirectorSnapshot
        {
            TakenAt = _engine.Now,
            Services = services,
            Totals = totals + _retired,
            TotalRates = rates,
            FramesIn = counters.FramesIn,
            FramesOut = counters.FramesOut,
            Outcomes = _outcomes.Select(outcome => counters[outcome]).ToArray(),
            Connections = connections.Count,
            ConnectionLimit = connections.Maximum,
            ConnectionsEvictedEmbryonic = connections.EvictedEmbryonic,
            ConnectionsRefusedFull = connections.RefusedFull,
            ArpRequests = _engine.Neighbors.RequestsSent,
            ArpUnresolvedDrops = _engine.Neighbors.UnresolvedDrops,
            Interfaces = _interfaces(),
        };
    }

    /// <summary>Copies the whole connection table into <paramref name="rows"/> as of the engine's clock.</summary>
    public void CopyConnections(ConnectionRows rows) => rows.CopyFrom(_engine.Connections, _engine.Now);

    /// <summary>Copies the next slice of the connection table (after <see cref="ConnectionRows.Begin"/>); true when done.</summary>
    public bool CopyConnectionSlice(ConnectionRows rows) => rows.CopySlice(_engine.Connections, _engine.Now);

    private static DestinationFigures Figures(Destination destination) =>
        new(destination.Address, destination.Port, destination.Method, destination.Weight,
            destination.ActiveConnections, destination.InactiveConnections, TrafficFigures.Of(destination.Counters));

    private static TrafficRates Add(TrafficRates left, TrafficRates right) =>
        new(left.ConnectionsPerSecond + right.ConnectionsPerSecond, left.InPacketsPerSecond + right.InPacketsPerSecond,
            left.OutPacketsPerSecond + right.OutPacketsPerSecond, left.InBytesPerSecond + right.InBytesPerSecond,
            left.OutBytesPerSecond + right.OutBytesPerSecond);
}
