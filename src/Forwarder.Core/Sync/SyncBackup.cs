using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Services;

namespace Forwarder.Core.Sync;

/// <summary>
/// A backup sync daemon's engine side, as the kernel's <c>ip_vs_process_message</c> and <c>ip_vs_proc_conn</c>: each
/// entry of a master's message creates or updates a connection (or persistence template) without scheduling, bound to
/// the configured real server it names when there is one (else unbound, still forwarded by the method the message
/// gives), with the state and timeout the master sent. So once the virtual addresses move here, each synced flow goes
/// on to the same real server, and a persistent client to the server its template names. Runs on the engine's thread.
/// </summary>
public sealed class SyncBackup
{
    /// <summary>A template's timeout when a (version 0) message gives none: three minutes, as the kernel's.</summary>
    private const long TemplateDefaultTimeout = 180L * 1_000_000;

    private readonly ConnectionTable _connections;
    private readonly ServiceTable _services;
    private readonly NeighborTable _neighbors;
    private readonly byte _syncId;

    /// <param name="syncId">The backup's syncid: messages of another are ignored; 0 takes every one.</param>
    public SyncBackup(ConnectionTable connections, ServiceTable services, NeighborTable neighbors, byte syncId, SyncSettings? settings = null, SyncCounters? counters = null)
    {
        _connections = connections;
        _services = services;
        _neighbors = neighbors;
        _syncId = syncId;
        Settings = settings ?? new SyncSettings();
        Counters = counters ?? new SyncCounters();
    }

    public SyncSettings Settings { get; }

    public SyncCounters Counters { get; }

    /// <summary>Takes one received datagram at engine time <paramref name="now"/>; a bad one is counted, never thrown.</summary>
    public void Apply(ReadOnlySpan<byte> datagram, long now)
    {
        Counters.MessagesReceived++;
        var reader = new SyncMessageReader(datagram, _syncId);
        while (reader.TryNext(out var entry, out var skip))
        {
            if (skip != SyncEntryProblem.None)
            {
                Counters.Count(skip);
                continue;
            }
            Take(in entry, now);
        }
        if (reader.Problem != SyncMessageProblem.None)
        {
            Counters.Count(reader.Problem);
        }
    }

    private void Take(in SyncEntry entry, long now)
    {
        if (Refusal(in entry) is { } refused)
        {
            Counters.Count(refused);
            return;
        }
        var client = InetAddress.FromUInt128(entry.ClientAddress, entry.IsIpv6);
        var virtualAddress = InetAddress.FromUInt128(entry.VirtualAddress, entry.IsIpv6);
        var server = InetAddress.FromUInt128(entry.DestinationAddress, entry.IsIpv6);
        var destination = FindDestination(in entry);
        var slot = entry.IsTemplate
            ? _connections.FindTemplate(entry.Protocol, client, virtualAddress, entry.VirtualPort, now)
            : _connections.FindByClient(entry.Protocol, client, entry.ClientPort, virtualAddress, entry.VirtualPort, now);
        var inactive = (entry.Flags & KernelConnectionFlags.Inactive) != 0;
        if (slot >= 0 && !entry.IsTemplate &&
            (_connections[slot].DestinationAddress != server || _connections[slot].DestinationPort != entry.DestinationPort))
        {
            if (inactive)
            {
                // The expiry message of a connection the master has already replaced: ignored.
                Counters.Count(SyncApplyProblem.StaleExpiry);
                return;
            }
            // The master now sends this client's flow elsewhere: the old one ends here.
            _connections.ExpireNow(slot);
            slot = -1;
        }
        var state = StateOf(in entry);
        var expires = now + TimeoutOf(in entry, state);
        if (slot >= 0)
        {
            ref var existing = ref _connections[slot];
            if (existing.Destination is null && destination is not null)
            {
                _connections.Bind(slot, destination);
            }
            // Only the activity (and sequence) bits of a connection the backup already has follow the message.
            _connections.ApplySynced(slot, state, inactive, (existing.Flags & ConnectionFlags.NoOutput) != 0, expires);
            Counters.EntriesUpdated++;
        }
        else
        {
            slot = Create(in entry, destination, state, inactive, expires, now);
            if (slot < 0)
            {
                return;
            }
            Counters.EntriesCreated++;
        }
        // As the kernel: a synced connection counts as past the threshold, so a master this becomes sends it on schedule.
        ref var sync = ref _connections.SyncStateOf(slot);
        sync.Packets = Settings.Threshold;
        sync.OldState = state;
    }

    private int Create(in SyncEntry entry, Destination? destination, TcpState state, bool inactive, long expires, long now)
    {
        var sentMethod = MethodOf(entry.Flags);
        if (destination is null && sentMethod is null && !entry.IsTemplate)
        {
            Counters.Count(SyncApplyProblem.UnsupportedForwarding);
            return -1;
        }
        // A connection created by sync takes its forwarding method from the real server it binds to, as the kernel's.
        var method = destination?.Method ?? sentMethod ?? ForwardingMethod.DirectRoute;
        var connection = new Connection
        {
            Protocol = entry.Protocol,
            ClientAddress = InetAddress.FromUInt128(entry.ClientAddress, entry.IsIpv6),
            ClientPort = entry.ClientPort,
            VirtualAddress = InetAddress.FromUInt128(entry.VirtualAddress, entry.IsIpv6),
            VirtualPort = entry.VirtualPort,
            DestinationAddress = InetAddress.FromUInt128(entry.DestinationAddress, entry.IsIpv6),
            DestinationPort = entry.DestinationPort,
            Destination = destination,
            // Templates carry no traffic; as the engine's own, they stay out of the reply-side index.
            Method = entry.IsTemplate ? ForwardingMethod.DirectRoute : method,
            Flags = entry.IsTemplate ? ConnectionFlags.Template : ConnectionFlags.None,
        };
        if (!entry.IsTemplate && !Route(ref connection))
        {
            Counters.Count(SyncApplyProblem.NoRoute);
            return -1;
        }
        var slot = _connections.Add(connection, now);
        if (slot < 0)
        {
            Counters.Count(SyncApplyProblem.TableFull);
            return -1;
        }
        var noOutput = destination is not null ? method != ForwardingMethod.Masquerade : (entry.Flags & KernelConnectionFlags.NoOutput) != 0;
        _connections.ApplySynced(slot, state, inactive, noOutput, expires);
        return slot;
    }

    /// <summary>The next hops a new connection needs, resolved once as the engine's own connections have them.</summary>
    private bool Route(ref Connection connection)
    {
        if (!_neighbors.TryRoute(connection.DestinationAddress, out var serverHop, out var serverInterface))
        {
            return false;
        }
        _neighbors.TryUse(serverHop, out _, out connection.ServerNeighbor);
        connection.ServerInterface = (byte)serverInterface;
        if (connection.Method == ForwardingMethod.Masquerade)
        {
            if (!_neighbors.TryRoute(connection.ClientAddress, out var clientHop, out var clientInterface))
            {
                return false;
            }
            _neighbors.TryUse(clientHop, out _, out connection.ClientNeighbor);
            connection.ClientInterface = (byte)clientInterface;
        }
        return true;
    }

    /// <summary>
    /// What the kernel would take and this director cannot: protocols it does not forward. An IPv6 entry is taken as an
    /// IPv4 one, as ip_vs_proc_conn does with STYPE_F_INET6: one family for its three addresses.
    /// </summary>
    private static SyncApplyProblem? Refusal(in SyncEntry entry)
    {
        // A firewall-mark service's persistence template is IPPROTO_IP: <IP, client, 0, mark, 0>.
        var markTemplate = entry.IsTemplate && entry.FirewallMark != 0 && entry.Protocol == FrameLayout.ProtocolIp;
        if (entry.Protocol is not ((byte)IpProtocol.Tcp or (byte)IpProtocol.Udp) && !markTemplate)
        {
            return SyncApplyProblem.UnsupportedProtocol;
        }
        if (entry.IsTemplate && entry.ClientPort != 0)
        {
            return SyncApplyProblem.TemplateClientPort;
        }
        return null;
    }

    /// <summary>
    /// As ip_vs_find_dest, through ip_vs_service_find: the firewall-mark service of the entry's mark first, then the
    /// service of its virtual address and port (or the persistent port-zero service of that address, which takes every
    /// port), and in it the real server of the entry's address and port, else of its address with port 0.
    /// </summary>
    private Destination? FindDestination(in SyncEntry entry)
    {
        var protocol = (IpProtocol)entry.Protocol;
        var address = InetAddress.FromUInt128(entry.VirtualAddress, entry.IsIpv6);
        if (!(entry.FirewallMark != 0 && _services.TryGet(ServiceKey.ForFirewallMark(entry.FirewallMark), out var service)) &&
            !_services.TryGet(new ServiceKey(protocol, address, entry.VirtualPort), out service) &&
            !(_services.TryGet(new ServiceKey(protocol, address, 0), out service) && service.PersistenceTimeout is not null))
        {
            return null;
        }
        var server = InetAddress.FromUInt128(entry.DestinationAddress, entry.IsIpv6);
        return FindIn(service, server, entry.DestinationPort) ?? FindIn(service, server, 0);
    }

    private static Destination? FindIn(VirtualService service, InetAddress address, ushort port)
    {
        foreach (var destination in service.Destinations)
        {
            if (destination.Address == address && destination.Port == port)
            {
                return destination;
            }
        }
        return null;
    }

    private static ForwardingMethod? MethodOf(KernelConnectionFlags flags) => (flags & KernelConnectionFlags.ForwardingMask) switch
    {
        KernelConnectionFlags.Masquerade => ForwardingMethod.Masquerade,
        KernelConnectionFlags.Tunnel => ForwardingMethod.Tunnel,
        KernelConnectionFlags.DirectRoute => ForwardingMethod.DirectRoute,
        _ => null,
    };

    private static TcpState StateOf(in SyncEntry entry) =>
        entry.IsTemplate ? (entry.State == SyncProtocol.TemplateAssured ? ConnectionTable.TemplateAssured : TcpState.None)
        : entry.Protocol == (byte)IpProtocol.Tcp ? (TcpState)entry.State
        : TcpState.None;

    /// <summary>The message's timeout; without one (version 0), this director's for the state, or three minutes for a template.</summary>
    private long TimeoutOf(in SyncEntry entry, TcpState state) =>
        entry.TimeoutSeconds > 0 ? entry.TimeoutSeconds * 1_000_000L
        : entry.IsTemplate ? TemplateDefaultTimeout
        : _connections.Timeouts.TimeoutMicroseconds((IpProtocol)entry.Protocol, state);
}
