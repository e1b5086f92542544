using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Forwarder.Core.Arp;
using Forwarder.Core.Connections;
using Forwarder.Core.Forwarding;
using Forwarder.Core.Frames;
using Forwarder.Core.Icmp;
using Forwarder.Core.Masquerading;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Ownership;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Core.Sync;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Engine;

/// <summary>
/// The director's data plane. One call takes a frame, the interface it came in on and the time, and
/// writes whatever must be sent into an <see cref="OutputBatch"/>. No I/O and no clock of its own,
/// so a capture replays the same way every time. Not thread-safe: one thread drives it.
/// As IPVS: a packet's connection is looked up first; only a flow-opening packet to a virtual service
/// without one is scheduled. This is ip_vs_in and ip_vs_out: classification, lookup and scheduling; the way out
/// is the connection's own forwarding method (<see cref="TransmitTable"/>), bound when the connection is created.
/// </summary>
// Every frame's call would otherwise zero a few hundred bytes of locals it always assigns before use (C#'s definite
// assignment sees to that).
[SkipLocalsInit]
public sealed partial class DirectorEngine
{
    private readonly DirectorTopology _topology;
    private readonly ServiceTable _services;
    private readonly ConnectionTable _connections;
    private readonly NeighborTable _neighbors;
    private readonly EthernetTransmitter _link;
    private readonly TransmitTable _transmits;
    private readonly LocalAnswerTransmit _answers;
    private readonly ArpResponder _arp;
    private readonly Icmpv6Responder _icmpv6;
    private readonly Icmpv6ErrorRelay _icmpv6Errors;
    private readonly IcmpHandler _icmp;
    private readonly Masquerader _masquerader;
    private readonly InterfaceRole[] _interfaceRoles;
    private readonly EngineSettings _settings;

    public DirectorEngine(DirectorTopology topology, ServiceTable services, ConnectionTable connections, EngineSettings? settings = null)
    {
        settings ??= new EngineSettings();
        _settings = settings;
        _topology = topology;
        _services = services;
        _connections = connections;
        _neighbors = new NeighborTable(topology);
        _link = new EthernetTransmitter(topology.Interfaces.Select(i => i.Mac).ToArray(), _neighbors);
        var identification = new Ipv4Identification();
        _answers = new LocalAnswerTransmit(topology, _link, _neighbors, identification);
        _transmits = new TransmitTable(topology, _link, _neighbors, identification, _answers);
        Ownership = new VirtualAddressOwnership(topology, services, settings.OwnsEveryServiceAddress);
        _arp = new ArpResponder(topology, Ownership, _neighbors, _answers, settings.AnswerForOwnAddresses);
        _icmpv6 = new Icmpv6Responder(topology, services, _neighbors, settings.AnswerForOwnAddresses, Ownership);
        _icmpv6Errors = new Icmpv6ErrorRelay(topology, connections, _transmits);
        _icmp = new IcmpHandler(topology, Ownership, connections, _transmits, _answers, settings.AnswerForOwnAddresses);
        _masquerader = new Masquerader(topology, services, _neighbors, new MasqueradeTransmit(_link));
        _interfaceRoles = topology.Interfaces.Select(i => i.Role).ToArray();
    }

    public EngineCounters Counters { get; } = new();

    public DirectorTopology Topology => _topology;

    public ServiceTable Services => _services;

    public ConnectionTable Connections => _connections;

    public NeighborTable Neighbors => _neighbors;

    public MasqueradeTable Masquerade => _masquerader.Table;

    /// <summary>The addresses the director owns now (all service addresses unless a VRRP pair moves them).</summary>
    public VirtualAddressOwnership Ownership { get; }

    /// <summary>
    /// The master sync daemon's engine side while one runs (null otherwise): every client packet of a connection is
    /// shown to it after the connection's state has moved, as ip_vs_in calls ip_vs_sync_conn. Set on the engine's thread.
    /// </summary>
    public SyncMaster? SyncMaster { get; set; }

    /// <summary>The engine's clock: the time of the latest frame (µs since the epoch in replay).</summary>
    public long Now { get; private set; }

    /// <summary>Moves the clock on without a frame (a live director's idle tick): expiries, ARP retries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AdvanceClock(long now, OutputBatch output)
    {
        if (now > Now)
        {
            Now = now;
        }
        _connections.ExpireUntil(Now);
        _masquerader.Table.Sweep(Now);
        var before = output.Count;
        _neighbors.Tick(Now, output);
        Ownership.Tick(Now, output);
        Counters.FramesOut += output.Count - before;
    }

    public FrameOutcome Process(ReadOnlySpan<byte> frame, int interfaceIndex, long now, OutputBatch output)
    {
        AdvanceClock(now, output);
        var before = output.Count;
        var outcome = Counters.Count(Classify(new FrameContext(Now, output), frame, interfaceIndex, NextHinted()));
        Counters.FramesOut += output.Count - before;
        return outcome;
    }

    /// <param name="hinted">The frame's place in the group <see cref="HintGroup"/> hinted last, or -1.</param>
    private FrameOutcome Classify(in FrameContext context, ReadOnlySpan<byte> frame, int interfaceIndex, int hinted)
    {
        if (frame.Length < FrameLayout.EthernetHeaderLength)
        {
            return FrameOutcome.DroppedMalformed;
        }
        switch (BinaryPrimitives.ReadUInt16BigEndian(frame[FrameLayout.EtherTypeOffset..]))
        {
            case FrameLayout.EtherTypeIpv4:
                break;
            case FrameLayout.EtherTypeArp:
                return _arp.Handle(context, frame, interfaceIndex);
            case FrameLayout.EtherTypeVlan:
                return FrameOutcome.DroppedVlanTagged;
            case FrameLayout.EtherTypeIpv6:
                return ClassifyIpv6(context, frame, interfaceIndex, hinted);
            default:
                return FrameOutcome.NotOurs;
        }
        // Frames for other hosts on the segment are the kernel's PACKET_OTHERHOST: never ours to route.
        if (MacAddress.Read(frame) != _link.MacOf(interfaceIndex))
        {
            return FrameOutcome.NotOurs;
        }
        if (Ipv4Parser.Parse(frame, out var fields) is { } rejected)
        {
            return rejected;
        }
        if (_settings.TakesMergedFrames)
        {
            fields.ChecksumPartial = PartialChecksum.IsPartial(frame, fields);
        }
        var fromClients = _interfaceRoles[interfaceIndex] == InterfaceRole.Public;
        if (fields.IsFragment)
        {
            // Fragments are refused, counted, when they belong to the director's business (README: Fragments).
            return IsForAService(fields) ? FrameOutcome.DroppedFragment : FrameOutcome.NotOurs;
        }
        switch (fields.Protocol)
        {
            case FrameLayout.ProtocolTcp:
            case FrameLayout.ProtocolUdp:
                return fromClients ? FromPublicSide(context, frame, fields, interfaceIndex, hinted) : FromPrivateSide(context, frame, fields, hinted);
            case FrameLayout.ProtocolIcmp:
                var handled = _icmp.Handle(context, frame, fields, interfaceIndex);
                return handled != FrameOutcome.NotOurs ? handled
                    : fromClients ? _masquerader.FromOutside(context, frame, fields) : _masquerader.FromInside(context, frame, fields);
            default:
                return FrameOutcome.NotOurs;
        }
    }

    /// <summary>
    /// An IPv6 frame, as ip_vs_in_hook and ip_vs_out_hook for AF_INET6: the same lookup, scheduling and connections as
    /// IPv4 (the fields are family-blind), after Neighbour Discovery and echo for the director's addresses. A frame to
    /// a multicast MAC can only be Neighbour Discovery; what the director does not take is <see cref="FrameOutcome.NotOursIpv6"/>.
    /// </summary>
    private FrameOutcome ClassifyIpv6(in FrameContext context, ReadOnlySpan<byte> frame, int interfaceIndex, int hinted)
    {
        var toUs = MacAddress.Read(frame) == _link.MacOf(interfaceIndex);
        if (!toUs && (frame[FrameLayout.EthernetDestination] & 1) == 0)
        {
            return FrameOutcome.NotOursIpv6;
        }
        if (Ipv6Parser.Parse(frame, out var fields) is { } rejected)
        {
            return toUs ? rejected : FrameOutcome.NotOursIpv6;
        }
        if (_settings.TakesMergedFrames)
        {
            fields.ChecksumPartial = PartialChecksum.IsPartial(frame, fields);
        }
        if (fields.Protocol == Ipv6Layout.ProtocolIcmpv6 && !fields.IsFragment)
        {
            return _icmpv6.Handle(context, frame, fields, interfaceIndex) is var answered and not FrameOutcome.NotOursIpv6 ? answered : _icmpv6Errors.Handle(context, frame, fields, interfaceIndex);
        }
        if (!toUs)
        {
            return FrameOutcome.NotOursIpv6;
        }
        if (fields.IsFragment)
        {
            // As IPv4's: refused and counted when the director's business (README: Fragments).
            return IsForAService(fields) ? FrameOutcome.DroppedFragment : FrameOutcome.NotOursIpv6;
        }
        if (fields.Protocol is not (FrameLayout.ProtocolTcp or FrameLayout.ProtocolUdp))
        {
            return FrameOutcome.NotOursIpv6;
        }
        var outcome = _interfaceRoles[interfaceIndex] == InterfaceRole.Public
            ? FromPublicSide(context, frame, fields, interfaceIndex, hinted)
            : FromPrivateSide(context, frame, fields, hinted);
        return outcome == FrameOutcome.NotOurs ? FrameOutcome.NotOursIpv6 : outcome;
    }

    /// <summary>
    /// Whether a fragment concerns the director: sent to a virtual address, or from a real server toward a
    /// client (later fragments carry no ports, so addresses are all there is to go by).
    /// </summary>
    private bool IsForAService(in PacketFields fields) =>
        _services.HasVirtualAddress(fields.DestinationAddress) ||
        (_connections.FindByServer(fields.Protocol, fields.SourceAddress, fields.SourcePort, fields.DestinationAddress, fields.DestinationPort, Now) >= 0) ||
        _services.HasRealServer(fields.SourceAddress);

    /// <summary>
    /// A packet from the clients' side: a connection's, a reply to a masqueraded flow, or a new flow for a virtual
    /// service. A connection that must give way (<see cref="ExistingConnectionPolicy"/>) ends here and the packet
    /// goes on as if it had found none.
    /// </summary>
    private FrameOutcome FromPublicSide(in FrameContext context, ReadOnlySpan<byte> frame, in PacketFields fields, int interfaceIndex, int hinted)
    {
        if (!Ownership.OwnsEveryServiceAddress && !Ownership.OwnsServiceAddress(fields.DestinationAddress) && _services.HasVirtualAddress(fields.DestinationAddress))
        {
            // A backup's: the owner forwards this (it reaches us only through a neighbour's stale ARP entry).
            return FrameOutcome.NotOursUnowned;
        }
        var slot = TryHintedHash(hinted, fields, serverSide: false, out var clientHash)
            ? _connections.FindByClientHashed(fields.Protocol, fields.SourceAddress, fields.SourcePort, fields.DestinationAddress, fields.DestinationPort, Now, clientHash)
            : _connections.FindByClient(fields.Protocol, fields.SourceAddress, fields.SourcePort, fields.DestinationAddress, fields.DestinationPort, Now, out clientHash);
        if (slot >= 0)
        {
            switch (ExistingConnectionPolicy.Judge(_connections[slot], fields, _settings))
            {
                case ExistingConnectionVerdict.Use:
                    return ForwardToServer(context, slot, frame, fields);
                case ExistingConnectionVerdict.Drop:
                    // As the kernel: neither the connection's timer nor its counters see the packet.
                    return FrameOutcome.DroppedDestinationUnavailable;
                default:
                    _connections.ExpireNow(slot);
                    break;
            }
        }
        if (FindService(fields, interfaceIndex) is not { } service)
        {
            // Not a service (nor a persistent port-zero service, which IPVS lets take every port): maybe a masqueraded flow's reply.
            return _masquerader.FromOutside(context, frame, fields);
        }
        if (!fields.OpensFlow && !(_settings.SloppyTcp && fields.OpensFlowUnderSloppyTcp))
        {
            return FrameOutcome.DroppedNoConnection;
        }
        var opened = OpenConnection(service, fields, clientHash, out slot);
        if (opened == FrameOutcome.DroppedNoDestination)
        {
            _answers.SendPortUnreachable(context, frame, fields);
        }
        if (opened != FrameOutcome.Forwarded)
        {
            return opened;
        }
        var forwarded = ForwardToServer(context, slot, frame, fields);
        if (service.OnePacket && fields.Protocol == FrameLayout.ProtocolUdp)
        {
            // -o, as IP_VS_CONN_F_ONE_PACKET: the connection is never hashed and ends with its one datagram, so
            // the next datagram of the same flow is scheduled afresh (a persistence template still holds).
            _connections.ExpireNow(slot);
        }
        return forwarded;
    }

    /// <summary>
    /// As ip_vs_service_find: a packet carrying a firewall mark (here, the mark the marks file gives it) goes to the
    /// firewall-mark service of that mark first; failing that, the TCP/UDP service of its address and port, then a
    /// persistent port-zero service of its address.
    /// </summary>
    private VirtualService? FindService(in PacketFields fields, int interfaceIndex)
    {
        if (_services.FirewallMarkServices > 0 && _services.FirewallMarks.Classify(interfaceIndex, fields) is var mark and not 0 &&
            _services.TryGet(ServiceKey.ForFirewallMark(mark, fields.Family), out var marked))
        {
            return marked;
        }
        if (_services.TryGet(new ServiceKey((IpProtocol)fields.Protocol, fields.DestinationAddress, fields.DestinationPort), out var service) ||
            (_services.TryGet(new ServiceKey((IpProtocol)fields.Protocol, fields.DestinationAddress, 0), out service) && service.PersistenceTimeout is not null))
        {
            return service;
        }
        return null;
    }

    /// <summary>A packet from the real servers' side: a NAT connection's reply, or something to masquerade.</summary>
    private FrameOutcome FromPrivateSide(in FrameContext context, ReadOnlySpan<byte> frame, in PacketFields fields, int hinted)
    {
        var slot = TryHintedHash(hinted, fields, serverSide: true, out var serverHash)
            ? _connections.FindByServerHashed(fields.Protocol, fields.SourceAddress, fields.SourcePort, fields.DestinationAddress, fields.DestinationPort, Now, serverHash)
            : _connections.FindByServer(fields.Protocol, fields.SourceAddress, fields.SourcePort, fields.DestinationAddress, fields.DestinationPort, Now);
        if (slot < 0)
        {
            return _masquerader.FromInside(context, frame, fields);
        }
        return Ownership.OwnsServiceAddress(_connections[slot].VirtualAddress) ? ForwardToClient(context, slot, frame, fields) : FrameOutcome.NotOursUnowned;
    }

    private FrameOutcome ForwardToServer(in FrameContext context, int slot, ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        ref var connection = ref _connections[slot];
        // As ip_vs_in: the counters and the state move before the packet is sent, whatever then becomes of it
        // (a neighbour still unresolved, a full queue, a tunnel's "fragmentation needed").
        _connections.Touch(slot, PacketDirection.Input, fields.TcpFlags, Now);
        CountIn(connection.Destination, fields.TotalLength);
        SyncMaster?.OnClientPacket(slot, Now);
        return _transmits[connection.Method].ToServer(context, ref connection, frame, fields);
    }

    private FrameOutcome ForwardToClient(in FrameContext context, int slot, ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        if (fields.Ttl <= 1)
        {
            _answers.SendTimeExceeded(context, frame, fields);
            return FrameOutcome.DroppedTtlExceeded;
        }
        ref var connection = ref _connections[slot];
        if (fields.IsIpv6 && _answers.RefusedAsTooBig(context, frame, fields, connection.ClientInterface, _answers.Ipv6SourceToward(fields.SourceAddress)))
        {
            // As ip6_forward, before IPVS sees the reply: IPv6 is not fragmented on the way, the real server is told.
            return FrameOutcome.DroppedTooBig;
        }
        // As ip_vs_out's handle_response: state and counters first, then the packet goes its way.
        _connections.Touch(slot, PacketDirection.Output, fields.TcpFlags, Now);
        CountOut(connection.Destination, fields.TotalLength);
        return _transmits[connection.Method].ToClient(context, ref connection, frame, fields);
    }

    /// <summary>
    /// Schedules a new flow and records its connection, with the interfaces toward both ends routed once and its
    /// forwarding method (so its <see cref="PacketTransmit"/>) bound from the destination's, as ip_vs_bind_xmit.
    /// </summary>
    private FrameOutcome OpenConnection(VirtualService service, in PacketFields fields, uint clientHash, out int slot)
    {
        slot = -1;
        var template = 0;
        Destination? destination;
        if (service.PersistenceTimeout is not null)
        {
            destination = SchedulePersistent(service, fields, out template);
        }
        else
        {
            var flow = new FlowInfo(fields.Protocol, fields.SourceAddress, fields.SourcePort, fields.DestinationAddress, fields.DestinationPort, Now);
            destination = service.Scheduler.Schedule(service, flow);
        }
        if (destination is null)
        {
            return FrameOutcome.DroppedNoDestination;
        }
        if (destination.Address.IsIpv6 != fields.IsIpv6 && destination.Method != ForwardingMethod.Tunnel)
        {
            // A mark's packets find the service of their own family and ipvsadm takes a server of the other family
            // only for tunnels, so this holds by construction; kept as IPVS's rule: only a tunnel carries a packet
            // to a real server of the other family (NAT and DR cannot rewrite one family into the other).
            return FrameOutcome.DroppedNoRoute;
        }
        var serverPort = ServerPort(service, destination, fields.DestinationPort);
        // A NAT connection's reply-side index line is a likely cache miss: asked for now, it comes while the rest is done.
        var serverHash = destination.Method == ForwardingMethod.Masquerade
            ? _connections.PrefetchServerSide(fields.Protocol, destination.Address, serverPort, fields.SourceAddress, fields.SourcePort)
            : 0;
        ref var route = ref destination.Route;
        if (route.Version != _topology.RouteVersion + 1)
        {
            if (!_neighbors.TryRoute(destination.Address, out var nextHop, out var routedInterface))
            {
                return FrameOutcome.DroppedNoRoute;
            }
            route = new DestinationRoute { Version = _topology.RouteVersion + 1, Interface = (byte)routedInterface, NextHop = nextHop };
        }
        var clientInterface = 0;
        if (destination.Method == ForwardingMethod.Masquerade && !_neighbors.TryRoute(fields.SourceAddress, out _, out clientInterface))
        {
            return FrameOutcome.DroppedNoRoute;
        }
        slot = _connections.Reserve();
        if (slot < 0)
        {
            return FrameOutcome.DroppedTableFull;
        }
        // Written in place, once: nothing below can fail before the table admits it.
        ref var connection = ref _connections[slot];
        connection.Protocol = fields.Protocol;
        connection.ClientAddress = fields.SourceAddress;
        connection.ClientPort = fields.SourcePort;
        connection.VirtualAddress = fields.DestinationAddress;
        connection.VirtualPort = fields.DestinationPort;
        connection.DestinationAddress = destination.Address;
        connection.DestinationPort = serverPort;
        connection.Method = destination.Method;
        connection.Destination = destination;
        connection.ServerInterface = route.Interface;
        connection.ClientInterface = (byte)clientInterface;
        connection.ControllingTemplate = template;
        if (!_neighbors.IsSettled(route.Neighbor))
        {
            route.Neighbor = _neighbors.HandleOf(route.NextHop);
        }
        if (_neighbors.IsSettled(route.Neighbor))
        {
            // The next hop's entry is one a first packet would use as it is: the connection takes it now, and its
            // transmit reads the MAC in one step. Otherwise the transmit resolves it, as for any connection's first use.
            connection.ServerNeighbor = route.Neighbor;
        }
        _connections.Admit(slot, Now, clientHash, serverHash);
        destination.Counters.Connections++;
        service.Counters.Connections++;
        return FrameOutcome.Forwarded;
    }

    /// <summary>
    /// The port a new connection goes to on its real server. As ip_vs_schedule, a real server's own port, or the
    /// packet's where it has none; as ip_vs_sched_persist, a persistent service keeps the packet's port unless it is
    /// the service's own, so a persistent firewall-mark (or port-zero) service never moves a flow to its server's port.
    /// </summary>
    private static ushort ServerPort(VirtualService service, Destination destination, ushort packetPort) =>
        service.PersistenceTimeout is not null
            ? (packetPort == service.Port && destination.Port != 0 ? destination.Port : packetPort)
            : (destination.Port != 0 ? destination.Port : packetPort);

    /// <summary>
    /// As ip_vs_sched_persist: a client (its address under the service's mask) keeps the real server its
    /// template names while the template lives and that server is still in the service; otherwise the
    /// scheduler picks one and a new template records it. Returns the template's slot + 1 in
    /// <paramref name="template"/> (0 when no template could be stored).
    /// </summary>
    private Destination? SchedulePersistent(VirtualService service, in PacketFields fields, out int template)
    {
        template = 0;
        var maskedClient = service.PersistenceKeyOf(fields.SourceAddress);
        var virtualPort = service.Port;
        // As ip_vs_sched_persist: a firewall-mark service's template is <IPPROTO_IP, client, 0, mark, 0>, one for
        // every port and protocol the mark groups, so a client's HTTP and HTTPS go to the same real server.
        var fwmark = service.Key.FirewallMark;
        var templateProtocol = fwmark != 0 ? FrameLayout.ProtocolIp : fields.Protocol;
        // The mark stands as the template's virtual address as the kernel's union nf_inet_addr holds it: in its first
        // 32 bits, which for IPv6 are the address's first (0.0.0.1, or [0:1::] for an IPv6 service of mark 1).
        var templateAddress = fwmark == 0 ? service.Address
            : service.Address.IsIpv6 ? InetAddress.FromIpv6((ulong)fwmark << 32, 0) : InetAddress.FromIpv4(fwmark);
        var slot = _connections.FindTemplate(templateProtocol, maskedClient, templateAddress, virtualPort, Now);
        if (slot >= 0)
        {
            ref var existing = ref _connections[slot];
            if (existing.Destination is { IsAvailable: true } pinned && !(_settings.ExpireQuiescentTemplates && pinned.Weight == 0))
            {
                _connections.RenewTemplate(slot, Now);
                template = slot + 1;
                return pinned;
            }
            // The pinned server has left the service (or is quiescent under expire_quiescent_template): as
            // ip_vs_check_template, the template no longer holds and a new one will be made.
            _connections.InvalidateTemplate(slot);
        }
        var flow = new FlowInfo(fields.Protocol, fields.SourceAddress, fields.SourcePort, fields.DestinationAddress, fields.DestinationPort, Now);
        var destination = service.Scheduler.Schedule(service, flow);
        if (destination is null)
        {
            return null;
        }
        var record = new Connection
        {
            Protocol = templateProtocol,
            ClientAddress = maskedClient,
            ClientPort = 0,
            VirtualAddress = templateAddress,
            VirtualPort = virtualPort,
            DestinationAddress = destination.Address,
            DestinationPort = virtualPort == 0 ? (ushort)0 : destination.Port,
            // Templates carry no traffic; the method only keeps them out of the reply-side index.
            Method = ForwardingMethod.DirectRoute,
            Destination = destination,
            Flags = ConnectionFlags.Template,
        };
        var stored = _connections.Add(record, Now);
        template = stored + 1;
        return destination;
    }

    /// <summary>
    /// Puts back what a state file kept (<see cref="ConnectionTable.Snapshot"/>), at engine time <paramref name="now"/>,
    /// with <paramref name="elapsed"/> µs (the wall time between the save and now) taken off every remaining timeout.
    /// Each entry is bound to the destination of the current rules with its service's key and its real server's
    /// address and port; where there is none, it is dropped and counted, as the kernel drops the connections of a
    /// deleted destination; so is one whose time ran out meanwhile. A template whose time ran out still comes back
    /// while a restored connection it controls does (as ip_vs_conn_expire keeps such a template). Next hops are routed
    /// afresh, their MACs found by ARP when first used.
    /// </summary>
    public ConnectionRestoreReport RestoreConnections(IReadOnlyList<SavedConnection> saved, long now, long elapsed)
    {
        AdvanceClock(now, new OutputBatch());
        var destinations = new Dictionary<int, Destination>();
        var interfaces = new Dictionary<int, (byte Server, byte Client)>();
        var noDestination = 0;
        var expired = 0;
        var full = 0;
        foreach (var entry in saved)
        {
            if (FindDestination(entry) is { } destination && Route(entry) is { } route)
            {
                destinations[entry.Id] = destination;
                interfaces[entry.Id] = route;
            }
        }
        // Which templates live: their own time, or a surviving connection they control.
        var neededTemplates = new HashSet<int>();
        foreach (var entry in saved)
        {
            if (!entry.IsTemplate && entry.TemplateId != 0 && entry.RemainingMicroseconds - elapsed > 0 && destinations.ContainsKey(entry.Id))
            {
                neededTemplates.Add(entry.TemplateId);
            }
        }
        var slots = new Dictionary<int, int>();
        var connections = 0;
        var templates = 0;
        foreach (var entry in saved.Where(e => e.IsTemplate).Concat(saved.Where(e => !e.IsTemplate)))
        {
            if (!destinations.TryGetValue(entry.Id, out var destination))
            {
                noDestination++;
                continue;
            }
            var remaining = entry.RemainingMicroseconds - elapsed;
            if (remaining <= 0 && !(entry.IsTemplate && neededTemplates.Contains(entry.Id)))
            {
                expired++;
                continue;
            }
            var controlling = 0;
            if (entry.TemplateId != 0)
            {
                if (!slots.TryGetValue(entry.TemplateId, out var templateSlot))
                {
                    // Its template is gone: the connection goes on, no longer controlled (as one whose template expired).
                    templateSlot = -1;
                }
                controlling = templateSlot + 1;
            }
            var (serverInterface, clientInterface) = interfaces[entry.Id];
            var connection = new Connection
            {
                Protocol = (byte)entry.Protocol,
                ClientAddress = entry.ClientAddress,
                ClientPort = entry.ClientPort,
                VirtualAddress = entry.VirtualAddress,
                VirtualPort = entry.VirtualPort,
                DestinationAddress = entry.DestinationAddress,
                DestinationPort = entry.DestinationPort,
                // Templates carry no traffic; their method only keeps them out of the reply-side index.
                Method = entry.IsTemplate ? ForwardingMethod.DirectRoute : entry.Method,
                State = entry.State, // a template's own: NONE, or ASSURED once a connection it controls was established
                Flags = entry.Flags,
                Destination = destination,
                ServerInterface = serverInterface,
                ClientInterface = clientInterface,
                ControllingTemplate = controlling,
            };
            var slot = _connections.Restore(connection, Now + Math.Max(remaining, 0), Now);
            if (slot < 0)
            {
                full++;
                continue;
            }
            slots[entry.Id] = slot;
            if (entry.IsTemplate)
            {
                templates++;
            }
            else
            {
                connections++;
            }
        }
        return new ConnectionRestoreReport(connections, templates, noDestination, expired, full);
    }

    private Destination? FindDestination(in SavedConnection entry) =>
        _services.TryGet(entry.Service, out var service) && (service.Key.IsFirewallMark || service.Protocol == entry.Protocol) &&
        service.FindDestination(entry.DestinationAddress, entry.ServerPort) is { IsAvailable: true } destination
            ? destination
            : null;

    /// <summary>The interfaces toward the real server and (for NAT replies) the client, as a new connection gets them.</summary>
    private (byte Server, byte Client)? Route(in SavedConnection entry)
    {
        if (!_neighbors.TryRoute(entry.DestinationAddress, out _, out var server))
        {
            return null;
        }
        if (entry.Method != ForwardingMethod.Masquerade || entry.IsTemplate)
        {
            return ((byte)server, 0);
        }
        return _neighbors.TryRoute(entry.ClientAddress, out _, out var client) ? ((byte)server, (byte)client) : null;
    }

    private static void CountIn(Destination? destination, int bytes)
    {
        if (destination is null)
        {
            return;
        }
        destination.Counters.InPackets++;
        destination.Counters.InBytes += bytes;
        destination.Service.Counters.InPackets++;
        destination.Service.Counters.InBytes += bytes;
    }

    private static void CountOut(Destination? destination, int bytes)
    {
        if (destination is null)
        {
            return;
        }
        destination.Counters.OutPackets++;
        destination.Counters.OutBytes += bytes;
        destination.Service.Counters.OutPackets++;
        destination.Service.Counters.OutBytes += bytes;
    }
}
