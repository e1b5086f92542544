using Forwarder.Core.Frames;

namespace Forwarder.Core.Services;

/// <summary>A virtual service (ipvsadm -A): its key, scheduler, persistence and real servers in the kernel's list order.</summary>
public sealed class VirtualService
{
    private readonly List<Destination> _destinations = new();

    public VirtualService(ServiceKey key, IScheduler scheduler)
    {
        Key = key;
        Scheduler = scheduler;
    }

    public ServiceKey Key { get; }

    public IpProtocol Protocol => Key.Protocol;

    public InetAddress Address => Key.Address;

    public ushort Port => Key.Port;

    public IScheduler Scheduler { get; set; }

    /// <summary>-b: scheduler flags such as sh-fallback, kept as given.</summary>
    public string SchedulerFlags { get; set; } = string.Empty;

    /// <summary>--pe: the persistence engine's name ("sip"), or empty for none.</summary>
    public string PersistenceEngine { get; set; } = string.Empty;

    /// <summary>-o: one-packet scheduling (each UDP datagram scheduled on its own).</summary>
    public bool OnePacket { get; set; }

    /// <summary>-p: persistence timeout in seconds, or null when the service is not persistent.</summary>
    public int? PersistenceTimeout { get; set; }

    /// <summary>
    /// -M: the netmask applied to the client address for persistence; for an IPv6 service, as the kernel's netmask
    /// field, the prefix length (1-128) in its value.
    /// </summary>
    public Ipv4Address PersistenceMask { get; set; } = new(uint.MaxValue);

    /// <summary>The client address a persistence template is keyed by: under the netmask, or the IPv6 prefix length.</summary>
    public InetAddress PersistenceKeyOf(InetAddress client) =>
        client.IsIpv4 ? InetAddress.FromIpv4(client.Ipv4Value & PersistenceMask.Value) : client.Masked((int)Math.Min(PersistenceMask.Value, 128u));

    /// <summary>The real servers, head first: as IPVS, a new one is inserted at the head.</summary>
    public IReadOnlyList<Destination> Destinations => _destinations;

    public TrafficCounters Counters { get; } = new();

    public Destination? FindDestination(InetAddress address, ushort port) =>
        _destinations.Find(d => d.Address == address && d.Port == port);

    public int IndexOf(Destination destination) => _destinations.IndexOf(destination);

    internal void InsertAtHead(Destination destination) => _destinations.Insert(0, destination);

    internal int Unlink(Destination destination)
    {
        var index = _destinations.IndexOf(destination);
        _destinations.RemoveAt(index);
        return index;
    }

    public override string ToString() =>
        Key.IsFirewallMark ? $"FWM {Key.FirewallMark}" : Address.IsIpv4 ? $"{Protocol} {Address}:{Port}" : $"{Protocol} [{Address}]:{Port}";
}
