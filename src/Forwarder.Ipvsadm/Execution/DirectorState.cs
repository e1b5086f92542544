using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Ownership;
using Forwarder.Core.Services;
using Forwarder.Core.Sync;
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

    /// <summary>
    /// The connection sync daemons --start-daemon, --stop-daemon and -L --daemon reach; null where none can run (replay),
    /// and then --start-daemon is refused.
    /// </summary>
    public ISyncDaemonHost? SyncDaemons { get; init; }

    /// <summary>The addresses the director owns, which <c>forwarder vip</c> moves; null where none can move (replay).</summary>
    public VirtualAddressOwnership? Ownership { get; init; }

    /// <summary>The connection hash size the version line reports; the kernel's default is 4096.</summary>
    public int ConnectionTableSize { get; init; } = 4096;

    /// <summary>
    /// A running engine's state, on the engine's clock unless another is given. The rule table learns the
    /// broadcast addresses of the director's networks, which the kernel refuses as real servers (its
    /// RTN_BROADCAST routes).
    /// </summary>
    public static DirectorState FromEngine(DirectorEngine engine, ServiceRateEstimators rates, Func<long>? clock = null, ISyncDaemonHost? syncDaemons = null)
    {
        var interfaces = engine.Topology.Interfaces;
        engine.Services.IsBroadcastAddress = address => interfaces.Any(link => IsBroadcastOf(address, link.Address.Value, link.PrefixLength));
        return new(engine.Services, engine.Connections, clock ?? (() => engine.Now), rates) { SyncDaemons = syncDaemons, Ownership = engine.Ownership };
    }

    /// <summary>A /31 or /32 has no broadcast address; any shorter prefix has its all-ones host part.</summary>
    private static bool IsBroadcastOf(uint address, uint network, int prefixLength)
    {
        if (prefixLength >= 31)
        {
            return false;
        }
        var hostMask = uint.MaxValue >> prefixLength;
        return (address & ~hostMask) == (network & ~hostMask) && (address & hostMask) == hostMask;
    }
}
