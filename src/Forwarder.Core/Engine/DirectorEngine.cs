using System.Buffers.Binary;
using Forwarder.Core.Connections;
using Forwarder.Core.Forwarding;
using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Core.Topology;

namespace Forwarder.Core.Engine;

/// <summary>
/// The director's data plane. One call takes a frame, the interface it came in on and the time, and
/// writes whatever must be sent into an <see cref="OutputBatch"/>. No I/O and no clock of its own,
/// so a capture replays the same way every time. Not thread-safe: one thread drives it.
/// </summary>
public sealed class DirectorEngine
{
    private readonly DirectorTopology _topology;
    private readonly ServiceTable _services;
    private readonly ConnectionTable _connections;
    private readonly MacAddress[] _interfaceMacs;
    private readonly InterfaceRole[] _interfaceRoles;

    public DirectorEngine(DirectorTopology topology, ServiceTable services, ConnectionTable connections)
    {
        _topology = topology;
        _services = services;
        _connections = connections;
        _interfaceMacs = topology.Interfaces.Select(i => i.Mac).ToArray();
        _interfaceRoles = topology.Interfaces.Select(i => i.Role).ToArray();
    }

    public EngineCounters Counters { get; } = new();

    public DirectorTopology Topology => _topology;

    public ServiceTable Services => _services;

    public ConnectionTable Connections => _connections;

    /// <summary>The engine's clock: the time of the latest frame (µs since the epoch in replay).</summary>
    public long Now { get; private set; }

    /// <summary>Moves the clock on without a frame (a live director's idle tick), expiring what is due.</summary>
    public void AdvanceClock(long now)
    {
        if (now > Now)
        {
            Now = now;
        }
        _connections.ExpireUntil(Now);
    }

    public FrameOutcome Process(ReadOnlySpan<byte> frame, int interfaceIndex, long now, OutputBatch output)
    {
        AdvanceClock(now);
        return Counters.Count(Classify(frame, interfaceIndex, output));
    }

    private FrameOutcome Classify(ReadOnlySpan<byte> frame, int interfaceIndex, OutputBatch output)
    {
        if (frame.Length < FrameLayout.EthernetHeaderLength)
        {
            return FrameOutcome.DroppedMalformed;
        }
        var etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[FrameLayout.EtherTypeOffset..]);
        if (etherType != FrameLayout.EtherTypeIpv4)
        {
            return etherType == FrameLayout.EtherTypeVlan ? FrameOutcome.DroppedVlanTagged : FrameOutcome.NotOurs;
        }
        // Frames for other hosts on the segment are the kernel's PACKET_OTHERHOST: never ours to route.
        if (MacAddress.Read(frame) != _interfaceMacs[interfaceIndex])
        {
            return FrameOutcome.NotOurs;
        }
        if (Ipv4Parser.Parse(frame, out var fields) is { } rejected)
        {
            return rejected;
        }
        if (fields.Protocol is not (FrameLayout.ProtocolTcp or FrameLayout.ProtocolUdp))
        {
            return FrameOutcome.NotOurs;
        }
        if (fields.IsFragment)
        {
            return IsForAService(fields) ? FrameOutcome.DroppedFragment : FrameOutcome.NotOurs;
        }
        return _interfaceRoles[interfaceIndex] == InterfaceRole.Public
            ? FromClient(frame, fields, output)
            : FromServer(frame, fields, output);
    }

    private bool IsForAService(in PacketFields fields) =>
        _services.TryGet(new ServiceKey((IpProtocol)fields.Protocol, fields.Destination, fields.DestinationPort), out _) ||
        _connections.FindByServer(fields.Protocol, fields.Source, fields.SourcePort, fields.Destination, fields.DestinationPort, Now) >= 0;

    /// <summary>A packet from the public side: an existing connection's, or a new flow for a virtual service.</summary>
    private FrameOutcome FromClient(ReadOnlySpan<byte> frame, in PacketFields fields, OutputBatch output)
    {
        var slot = _connections.FindByClient(fields.Protocol, fields.Source, fields.SourcePort, fields.Destination, fields.DestinationPort, Now);
        if (slot < 0)
        {
            if (!_services.TryGet(new ServiceKey((IpProtocol)fields.Protocol, fields.Destination, fields.DestinationPort), out var service))
            {
                return FrameOutcome.NotOurs;
            }
            if (!fields.OpensFlow)
            {
                return FrameOutcome.DroppedNoConnection;
            }
            var opened = OpenConnection(service, frame, fields, out slot);
            if (opened != FrameOutcome.Forwarded)
            {
                return opened;
            }
        }

        ref var connection = ref _connections[slot];
        var outInterface = connection.ServerInterface;
        var sent = output.Add(outInterface, frame.Length);
        if (sent.IsEmpty)
        {
            return FrameOutcome.DroppedOutputFull;
        }
        frame.CopyTo(sent);
        switch (connection.Method)
        {
            case ForwardingMethod.Masquerade:
                NatForwarding.ToServer(sent, fields, connection, _interfaceMacs[outInterface]);
                break;
            case ForwardingMethod.DirectRoute:
                DirectRouteForwarding.ToServer(sent, connection, _interfaceMacs[outInterface]);
                break;
            default:
                output.RemoveLast();
                return FrameOutcome.DroppedUnsupportedMethod;
        }
        _connections.Touch(slot, PacketDirection.Input, fields.TcpFlags, Now);
        CountIn(connection.Destination, fields.TotalLength);
        Counters.FramesOut++;
        return FrameOutcome.Forwarded;
    }

    /// <summary>A packet from the private side: a real server's reply on a NAT connection.</summary>
    private FrameOutcome FromServer(ReadOnlySpan<byte> frame, in PacketFields fields, OutputBatch output)
    {
        var slot = _connections.FindByServer(fields.Protocol, fields.Source, fields.SourcePort, fields.Destination, fields.DestinationPort, Now);
        if (slot < 0)
        {
            return FrameOutcome.NotOurs;
        }
        if (fields.Ttl <= 1)
        {
            return FrameOutcome.DroppedTtlExceeded;
        }
        ref var connection = ref _connections[slot];
        var outInterface = connection.ClientInterface;
        var sent = output.Add(outInterface, frame.Length);
        if (sent.IsEmpty)
        {
            return FrameOutcome.DroppedOutputFull;
        }
        frame.CopyTo(sent);
        NatForwarding.ToClient(sent, fields, connection, _interfaceMacs[outInterface]);
        _connections.Touch(slot, PacketDirection.Output, fields.TcpFlags, Now);
        CountOut(connection.Destination, fields.TotalLength);
        Counters.FramesOut++;
        return FrameOutcome.Forwarded;
    }

    /// <summary>Schedules a new flow and records its connection, with the next hops both ways resolved once.</summary>
    private FrameOutcome OpenConnection(VirtualService service, ReadOnlySpan<byte> frame, in PacketFields fields, out int slot)
    {
        slot = -1;
        var flow = new FlowInfo(fields.Protocol, fields.Source, fields.SourcePort, fields.Destination, fields.DestinationPort, Now);
        var destination = service.Scheduler.Schedule(service, flow);
        if (destination is null)
        {
            return FrameOutcome.DroppedNoDestination;
        }
        if (!_topology.TryResolveNextHop(destination.Address.Value, out var serverHop))
        {
            return FrameOutcome.DroppedNoNeighbor;
        }
        var connection = new Connection
        {
            Protocol = fields.Protocol,
            ClientAddress = fields.Source,
            ClientPort = fields.SourcePort,
            VirtualAddress = fields.Destination,
            VirtualPort = fields.DestinationPort,
            DestinationAddress = destination.Address.Value,
            DestinationPort = destination.Port == 0 ? fields.DestinationPort : destination.Port,
            Method = destination.Method,
            Destination = destination,
            ServerMac = serverHop.Mac,
            ServerInterface = (byte)serverHop.InterfaceIndex,
        };
        if (destination.Method == ForwardingMethod.Masquerade)
        {
            // Replies go to the client's own MAC when it is on our link, else to the gateway's; failing
            // both, to the MAC the request came from (the client, or the router that brought it).
            if (_topology.TryResolveNextHop(fields.Source, out var clientHop))
            {
                connection.ClientMac = clientHop.Mac;
                connection.ClientInterface = (byte)clientHop.InterfaceIndex;
            }
            else
            {
                connection.ClientMac = MacAddress.Read(frame[FrameLayout.EthernetSource..]);
                connection.ClientInterface = (byte)_topology.Public.Index;
            }
        }
        slot = _connections.Add(connection, Now);
        if (slot < 0)
        {
            return FrameOutcome.DroppedTableFull;
        }
        destination.Counters.Connections++;
        service.Counters.Connections++;
        return FrameOutcome.Forwarded;
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
