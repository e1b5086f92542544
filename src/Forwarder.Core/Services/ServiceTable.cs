using Forwarder.Core.Marking;

namespace Forwarder.Core.Services;

/// <summary>
/// The virtual services and their real servers: what ipvsadm edits and the engine reads.
/// Every edit is checked whole before anything changes, so a refused edit leaves the table as it was.
/// Not thread-safe: the director applies edits on the engine's own thread.
/// </summary>
public sealed class ServiceTable
{
    private readonly Dictionary<ServiceKey, VirtualService> _services = new();

    /// <summary>
    /// As the kernel's destination trash: removed destinations that connections still point at. Adding the
    /// same address and port back to the same service revives one (ip_vs_trash_get_dest), so its connections
    /// are carried again and count on it; one whose connections have all gone is forgotten.
    /// </summary>
    private readonly List<Destination> _trash = new();

    private readonly Func<string, IScheduler?> _createScheduler;

    private readonly Func<uint, bool> _hasFirewallMarkService;
    private readonly Func<uint, bool> _hasIpv6FirewallMarkService;

    /// <param name="createScheduler">
    /// A fresh scheduler for an ipvsadm -s name, or null for one the director does not have: the scheduler
    /// registry (Scheduling.SchedulerRegistry.Create), which sits above the services it schedules for, as the
    /// kernel's ip_vs_ctl looks schedulers up by name in the list the scheduler modules register into.
    /// </param>
    public ServiceTable(Func<string, IScheduler?> createScheduler)
    {
        _createScheduler = createScheduler;
        _hasFirewallMarkService = mark => _services.ContainsKey(ServiceKey.ForFirewallMark(mark));
        _hasIpv6FirewallMarkService = mark => _services.ContainsKey(ServiceKey.ForFirewallMark(mark, Frames.IpFamily.Ipv6));
    }

    /// <summary>Where this table gets its schedulers by name (so a scratch copy gets the same).</summary>
    public Func<string, IScheduler?> SchedulerFactory => _createScheduler;

    public IReadOnlyCollection<VirtualService> Services => _services.Values;

    /// <summary>Raised after a destination leaves the table, so connection tracking can let its flows finish.</summary>
    public event Action<Destination>? DestinationRemoved;

    public int Count => _services.Count;

    /// <summary>
    /// Moves on with every change to the rules (services, destinations, their settings): a -R tried on a copy off the
    /// engine's thread is committed only if the table is still the one it was tried against.
    /// </summary>
    public long Version { get; private set; }

    /// <summary>
    /// Whether an address is the broadcast address of one of the director's networks (the kernel's RTN_BROADCAST
    /// routes), so that it is refused as a real server. None by default.
    /// </summary>
    public Func<uint, bool> IsBroadcastAddress { get; set; } = _ => false;

    /// <summary>
    /// The marks netfilter's mangle table would give packets (the marks file), which firewall-mark services are
    /// found by. None by default.
    /// </summary>
    public MarkRuleSet FirewallMarks { get; set; } = MarkRuleSet.Empty;

    /// <summary>How many firewall-mark services the table holds: while none, packets need no classifying.</summary>
    public int FirewallMarkServices { get; private set; }

    public bool TryGet(in ServiceKey key, out VirtualService service) => _services.TryGetValue(key, out service!);

    /// <summary>
    /// True when some virtual service listens on <paramref name="address"/> (the director claims it): a TCP/UDP
    /// service's address, or a destination the marks file names for a mark some firewall-mark service has.
    /// </summary>
    public bool HasVirtualAddress(Frames.InetAddress address)
    {
        foreach (var key in _services.Keys)
        {
            if (!key.IsFirewallMark && key.Address == address)
            {
                return true;
            }
        }
        return FirewallMarkServices > 0 &&
            FirewallMarks.NamesDestination(address, address.IsIpv4 ? _hasFirewallMarkService : _hasIpv6FirewallMarkService);
    }

    /// <summary>True when <paramref name="address"/> is a real server of some service.</summary>
    public bool HasRealServer(Frames.InetAddress address)
    {
        foreach (var service in _services.Values)
        {
            foreach (var destination in service.Destinations)
            {
                if (destination.Address == address)
                {
                    return true;
                }
            }
        }
        return false;
    }

    public VirtualService AddService(ServiceSpec spec)
    {
        if (_services.ContainsKey(spec.Key))
        {
            throw new IpvsException(IpvsError.ServiceExists);
        }
        var scheduler = CreateScheduler(spec.SchedulerName);
        CheckPersistenceEngine(spec);
        var service = new VirtualService(spec.Key, scheduler);
        ApplySettings(service, spec);
        scheduler.Initialize(service);
        _services.Add(spec.Key, service);
        Counted(spec.Key, +1);
        Version++;
        return service;
    }

    /// <summary>
    /// Takes in a service built whole on another table (a -R's trial copy, off the engine's thread), with its
    /// scheduler and destinations as they are, so committing it costs one insertion however many servers it has.
    /// The service must be new to that table too: it carries no connections or counters of this one.
    /// </summary>
    public void Adopt(VirtualService service)
    {
        if (_services.ContainsKey(service.Key))
        {
            throw new IpvsException(IpvsError.ServiceExists);
        }
        _services.Add(service.Key, service);
        Counted(service.Key, +1);
        Version++;
    }

    public void EditService(ServiceSpec spec)
    {
        var service = Get(spec.Key, IpvsError.NoSuchService);
        CheckPersistenceEngine(spec);
        if (spec.SchedulerName != service.Scheduler.Name)
        {
            // As IPVS: a new scheduler starts with fresh state over the current list.
            var scheduler = CreateScheduler(spec.SchedulerName);
            service.Scheduler = scheduler;
            scheduler.Initialize(service);
        }
        ApplySettings(service, spec);
        Version++;
    }

    public void DeleteService(ServiceKey key)
    {
        var service = Get(key, IpvsError.NoSuchService);
        _services.Remove(key);
        Counted(key, -1);
        Version++;
        foreach (var destination in service.Destinations)
        {
            destination.IsAvailable = false;
            DestinationRemoved?.Invoke(destination);
        }
    }

    public void Clear()
    {
        foreach (var key in _services.Keys.ToList())
        {
            DeleteService(key);
        }
    }

    public Destination AddDestination(ServiceKey key, DestinationSpec spec)
    {
        var service = Get(key, IpvsError.ServiceNotDefined);
        if (service.FindDestination(spec.Address, spec.Port) is not null)
        {
            throw new IpvsException(IpvsError.DestinationExists);
        }
        CheckUnicast(spec.Address);
        CheckTunnel(spec);
        var destination = Revive(service, spec) ?? new Destination(service, spec.Address, spec.Port, spec.Method, spec.Weight);
        ApplySettings(destination, spec);
        service.InsertAtHead(destination);
        service.Scheduler.OnDestinationAdded(service, destination);
        Version++;
        return destination;
    }

    public void EditDestination(ServiceKey key, DestinationSpec spec)
    {
        var service = Get(key, IpvsError.ServiceNotDefined);
        var destination = service.FindDestination(spec.Address, spec.Port) ?? throw new IpvsException(IpvsError.NoSuchDestination);
        CheckTunnel(spec);
        ApplySettings(destination, spec);
        service.Scheduler.OnDestinationUpdated(service, destination);
        Version++;
    }

    public void DeleteDestination(ServiceKey key, Frames.InetAddress address, ushort port)
    {
        var service = Get(key, IpvsError.ServiceNotDefined);
        var destination = service.FindDestination(address, port) ?? throw new IpvsException(IpvsError.NoSuchDestination);
        var index = service.Unlink(destination);
        destination.IsAvailable = false;
        _trash.RemoveAll(HasNoConnections);
        _trash.Add(destination);
        service.Scheduler.OnDestinationRemoved(service, destination, index);
        Version++;
        DestinationRemoved?.Invoke(destination);
    }

    private void Counted(in ServiceKey key, int change)
    {
        if (key.IsFirewallMark)
        {
            FirewallMarkServices += change;
        }
    }

    private Destination? Revive(VirtualService service, DestinationSpec spec)
    {
        _trash.RemoveAll(HasNoConnections);
        var index = _trash.FindIndex(d => d.Service == service && d.Address == spec.Address && d.Port == spec.Port);
        if (index < 0)
        {
            return null;
        }
        var destination = _trash[index];
        _trash.RemoveAt(index);
        destination.IsAvailable = true;
        // Linux 6.1 listed a revived destination's counters from zero.
        destination.Counters.Clear();
        return destination;
    }

    private static bool HasNoConnections(Destination destination) =>
        destination.ActiveConnections + destination.InactiveConnections + destination.PersistentConnections == 0;

    private VirtualService Get(ServiceKey key, IpvsError missing) =>
        _services.TryGetValue(key, out var service) ? service : throw new IpvsException(missing);

    private IScheduler CreateScheduler(string name) =>
        _createScheduler(name) ?? throw new IpvsException(IpvsError.SchedulerNotFound);

    /// <summary>The persistence engines IPVS knows (ip_vs_pe_sip); any other name is ENOENT, as an unknown scheduler.</summary>
    private static void CheckPersistenceEngine(ServiceSpec spec)
    {
        if (spec.PersistenceEngine.Length != 0 && spec.PersistenceEngine != "sip")
        {
            throw new IpvsException(IpvsError.SchedulerNotFound);
        }
    }

    /// <summary>
    /// As ip_vs_new_dest: an IPv4 real server must be a unicast or local address, else EINVAL. The zero
    /// network, the limited broadcast and multicast are never unicast; <see cref="IsBroadcastAddress"/> adds
    /// the broadcast addresses of the director's own networks, which the kernel's routing table knows. An IPv6
    /// one must be unicast and not link-local (ipv6_addr_type): ::, ff00::/8 and fe80::/10 are refused.
    /// </summary>
    private void CheckUnicast(Frames.InetAddress address)
    {
        if (address.IsIpv6)
        {
            var top = address.High >> 48;
            if ((address.High == 0 && address.Low == 0) || (top >> 8) == 0xFF || (top & 0xFFC0) == 0xFE80)
            {
                throw new IpvsException(IpvsError.AddressNotUnicast);
            }
            return;
        }
        var value = address.Ipv4Value;
        if (value == 0 || value == uint.MaxValue || (value >> 28) == 0xE || IsBroadcastAddress(value))
        {
            throw new IpvsException(IpvsError.AddressNotUnicast);
        }
    }

    /// <summary>Forwarder's tunnels are IP-in-IP: a gue or gre destination is refused rather than sent the wrong encapsulation.</summary>
    private static void CheckTunnel(DestinationSpec spec)
    {
        if (spec.Method == ForwardingMethod.Tunnel && spec.TunnelType != TunnelType.Ipip)
        {
            throw new IpvsException(IpvsError.TunnelTypeNotSupported);
        }
    }

    private static void ApplySettings(VirtualService service, ServiceSpec spec)
    {
        service.PersistenceTimeout = spec.PersistenceTimeout;
        // An IPv6 service's mask is a prefix length (the kernel's netmask field holds it so): 128 at most.
        service.PersistenceMask = new Frames.Ipv4Address(service.Address.IsIpv6 ? Math.Min(spec.PersistenceMask, 128u) : spec.PersistenceMask);
        service.SchedulerFlags = spec.SchedulerFlags;
        service.PersistenceEngine = spec.PersistenceEngine;
        service.OnePacket = spec.OnePacket;
    }

    private static void ApplySettings(Destination destination, DestinationSpec spec)
    {
        // As __ip_vs_update_dest: removing the upper threshold, or raising it, lifts an overload mark.
        if (spec.UpperThreshold == 0 || spec.UpperThreshold > destination.UpperThreshold)
        {
            destination.IsOverloaded = false;
        }
        destination.Method = spec.Method;
        destination.Weight = spec.Weight;
        destination.UpperThreshold = spec.UpperThreshold;
        destination.LowerThreshold = spec.LowerThreshold;
        destination.TunnelType = spec.TunnelType;
        destination.TunnelPort = spec.TunnelPort;
        destination.TunnelChecksum = spec.TunnelChecksum;
    }
}
