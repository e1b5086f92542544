using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Listing;

namespace Forwarder.Ipvsadm.Execution;

/// <summary>
/// The parts of a running director that ipvsadm reads and edits: the rule table, the connections (whose
/// <see cref="ConnectionTable.Timeouts"/> --set edits), the engine clock in µs (for -c expiry and --rate) and
/// the rate estimators. Only ever touched from the engine's thread.
/// </summary>
public sealed class DirectorState
{
    public DirectorState(ServiceTable services, ConnectionTable connections, Func<long> clock, ServiceRateEstimators? rates = null)
    {
        Services = services;
        Connections = connections;
        Clock = clock;
        Rates = rates ?? new ServiceRateEstimators();
    }

    public ServiceTable Services { get; }

    public ConnectionTable Connections { get; }

    public ConnectionTimeouts Timeouts => Connections.Timeouts;

    /// <summary>Engine time in µs: what "now" is for connection expiry and rate estimation.</summary>
    public Func<long> Clock { get; }

    public ServiceRateEstimators Rates { get; }

    /// <summary>Whether an address is the director's own: such destinations list as "Local", as the kernel shows them.</summary>
    public Func<Ipv4Address, bool> IsLocalAddress { get; init; } = _ => false;

    /// <summary>The connection hash size the version line reports; the kernel's default is 4096.</summary>
    public int ConnectionTableSize { get; init; } = 4096;

    /// <summary>A running engine's state, on the engine's clock unless another is given.</summary>
    public static DirectorState FromEngine(DirectorEngine engine, ServiceRateEstimators rates, Func<long>? clock = null) =>
        new(engine.Services, engine.Connections, clock ?? (() => engine.Now), rates)
        {
            IsLocalAddress = address => engine.Topology.IsOwnAddress(address.Value),
        };
}
