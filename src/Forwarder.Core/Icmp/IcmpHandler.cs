using System.Buffers.Binary;
using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Forwarding;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Topology;

namespace Forwarder.Core.Icmp;

/// <summary>
/// ICMP at the director: echo requests to its own or virtual addresses are answered; errors that quote a
/// packet of a tracked connection are relayed to the other side with the outer and the quoted headers
/// rewritten as IPVS's ip_vs_nat_icmp does (for NAT; direct routing and tunnelling pass them on as they
/// pass the connection's packets); and the director's own errors (fragmentation needed, time exceeded).
/// </summary>
public sealed class IcmpHandler
{
    private readonly DirectorTopology _topology;
    private readonly ServiceTable _services;
    private readonly ConnectionTable _connections;
    private readonly FrameTransmitter _transmitter;
    private readonly EngineSettings _settings;

    public IcmpHandler(DirectorTopology topology, ServiceTable services, ConnectionTable connections, FrameTransmitter transmitter, EngineSettings settings)
    {
        _settings = settings;
        _topology = topology;
        _services = services;
        _connections = connections;
        _transmitter = transmitter;
    }

    /// <summary>NotOurs when the message concerns nothing the director answers for (it may still be masqueraded).</summary>
    public FrameOutcome Handle(ReadOnlySpan<byte> frame, in PacketFields fields, int interfaceIndex)
    {
        var link = _topology.Interfaces[interfaceIndex];
        if (fields.IcmpType == IcmpLayout.EchoRequest &&
            ((link.Role == InterfaceRole.Public && _services.HasVirtualAddress(fields.Destination)) ||
             (_settings.AnswerForOwnAddresses && _topology.IsOwnAddress(fields.Destination))))
        {
            return AnswerEcho(frame, fields, interfaceIndex);
        }
        if (!IcmpLayout.IsError(fields.IcmpType) || !QuotedPacket.TryRead(frame, fields, out var quoted) ||
            quoted.Protocol is not (FrameLayout.ProtocolTcp or FrameLayout.ProtocolUdp))
        {
            return FrameOutcome.NotOurs;
        }
        if (link.Role == InterfaceRole.Public)
        {
            // The client reports on a packet we sent it: from the virtual service to the client.
            var slot = _connections.FindByClient(quoted.Protocol, quoted.Destination, quoted.DestinationPort, quoted.Source, quoted.SourcePort, _transmitter.Now);
            return slot < 0 ? FrameOutcome.NotOurs : RelayToServer(frame, fields, quoted, ref _connections[slot]);
        }
        // A real server (or a router behind it) reports on a packet from the client it was sent.
        var nat = _connections.FindByServer(quoted.Protocol, quoted.Destination, quoted.DestinationPort, quoted.Source, quoted.SourcePort, _transmitter.Now);
        return nat < 0 ? FrameOutcome.NotOurs : RelayToClient(frame, fields, quoted, ref _connections[nat]);
    }

    /// <summary>Tells the client that a packet it sent with DF set is too big for the tunnel (RFC 1191), from the address it sent to.</summary>
    public void SendFragmentationNeeded(ReadOnlySpan<byte> offendingIp, int nextHopMtu)
    {
        var source = BinaryPrimitives.ReadUInt32BigEndian(offendingIp[FrameLayout.Ipv4Source..]);
        var destination = BinaryPrimitives.ReadUInt32BigEndian(offendingIp[FrameLayout.Ipv4Destination..]);
        SendError(IcmpLayout.DestinationUnreachable, IcmpLayout.FragmentationNeeded, (uint)nextHopMtu, offendingIp, destination, source);
    }

    /// <summary>
    /// As ip_vs_leave when a service has no usable real server: the client is told "port unreachable" (for
    /// TCP as for UDP, since no socket exists to reset), from the virtual address it tried.
    /// </summary>
    public void SendPortUnreachable(ReadOnlySpan<byte> frame, in PacketFields fields) =>
        SendError(IcmpLayout.DestinationUnreachable, IcmpLayout.PortUnreachable, 0,
            frame.Slice(FrameLayout.EthernetHeaderLength, fields.TotalLength), fields.Destination, fields.Source);

    /// <summary>As a router does when a forwarded packet's TTL runs out: tell its sender, from our address on its link.</summary>
    public void SendTimeExceeded(ReadOnlySpan<byte> frame, in PacketFields fields)
    {
        var offending = frame.Slice(FrameLayout.EthernetHeaderLength, fields.TotalLength);
        var link = _topology.FindOnLinkInterface(fields.Source);
        if (link is not null)
        {
            SendError(IcmpLayout.TimeExceeded, 0, 0, offending, link.Address.Value, fields.Source);
        }
    }

    private void SendError(byte type, byte code, uint restOfHeader, ReadOnlySpan<byte> offendingIp, uint source, uint destination)
    {
        if (!_transmitter.Neighbors.TryRoute(destination, out var nextHop, out var interfaceIndex))
        {
            return;
        }
        var frame = _transmitter.Reserve(interfaceIndex, IcmpMessages.ErrorFrameLength(offendingIp));
        if (frame.IsEmpty)
        {
            return;
        }
        IcmpMessages.WriteError(frame, type, code, restOfHeader, offendingIp, source, destination, _transmitter.NextIdentification());
        _transmitter.Send(frame, interfaceIndex, nextHop, MacAddress.Zero);
    }

    private FrameOutcome AnswerEcho(ReadOnlySpan<byte> frame, in PacketFields fields, int interfaceIndex)
    {
        var reply = _transmitter.Reserve(interfaceIndex, FrameLayout.EthernetHeaderLength + FrameLayout.Ipv4MinimumHeaderLength + fields.TotalLength - fields.IpHeaderLength);
        if (reply.IsEmpty)
        {
            return FrameOutcome.DroppedOutputFull;
        }
        // The Ethernet header and the fixed part of the request's IP header (the reply keeps its TOS).
        frame[..(FrameLayout.EthernetHeaderLength + FrameLayout.Ipv4MinimumHeaderLength)].CopyTo(reply);
        var icmpLength = fields.TotalLength - fields.IpHeaderLength;
        frame.Slice(fields.TransportOffset, icmpLength).CopyTo(reply[(FrameLayout.EthernetHeaderLength + FrameLayout.Ipv4MinimumHeaderLength)..]);
        var replyFields = fields;
        replyFields.IpHeaderLength = FrameLayout.Ipv4MinimumHeaderLength;
        replyFields.TransportOffset = FrameLayout.EthernetHeaderLength + FrameLayout.Ipv4MinimumHeaderLength;
        replyFields.TotalLength = FrameLayout.Ipv4MinimumHeaderLength + icmpLength;
        IcmpMessages.TurnIntoEchoReply(reply, replyFields, _transmitter.NextIdentification());
        var senderMac = MacAddress.Read(frame[FrameLayout.EthernetSource..]);
        var outcome = _transmitter.Send(reply, interfaceIndex, fields.Source, senderMac);
        return outcome == FrameOutcome.Forwarded ? FrameOutcome.Answered : outcome;
    }

    private FrameOutcome RelayToServer(ReadOnlySpan<byte> frame, in PacketFields fields, in QuotedPacket quoted, ref Connection connection)
    {
        if (connection.Method == ForwardingMethod.Tunnel)
        {
            return FrameOutcome.NotOurs;
        }
        var outInterface = connection.ServerInterface;
        var sent = _transmitter.ReserveCopyOf(outInterface, frame);
        if (sent.IsEmpty)
        {
            return FrameOutcome.DroppedOutputFull;
        }
        if (connection.Method == ForwardingMethod.Masquerade)
        {
            // ip_vs_nat_icmp, client to server: the outer destination and the quoted source become the real server.
            var ip = sent[FrameLayout.EthernetHeaderLength..];
            var quotedIp = sent[quoted.Offset..];
            BinaryPrimitives.WriteUInt32BigEndian(ip[FrameLayout.Ipv4Destination..], connection.DestinationAddress);
            BinaryPrimitives.WriteUInt32BigEndian(quotedIp[FrameLayout.Ipv4Source..], connection.DestinationAddress);
            BinaryPrimitives.WriteUInt16BigEndian(quotedIp[(quoted.HeaderLength + FrameLayout.SourcePort)..], connection.DestinationPort);
            FinishRewrite(sent, fields, quoted);
        }
        var nextHop = NextHopToward(connection.DestinationAddress);
        return _transmitter.Send(sent, outInterface, nextHop, connection.ServerMac);
    }

    private FrameOutcome RelayToClient(ReadOnlySpan<byte> frame, in PacketFields fields, in QuotedPacket quoted, ref Connection connection)
    {
        if (fields.Ttl <= 1)
        {
            return FrameOutcome.DroppedTtlExceeded;
        }
        var outInterface = connection.ClientInterface;
        var sent = _transmitter.ReserveCopyOf(outInterface, frame);
        if (sent.IsEmpty)
        {
            return FrameOutcome.DroppedOutputFull;
        }
        // ip_vs_nat_icmp, server to client: the outer source and the quoted destination become the virtual service.
        var ip = sent[FrameLayout.EthernetHeaderLength..];
        var quotedIp = sent[quoted.Offset..];
        BinaryPrimitives.WriteUInt32BigEndian(ip[FrameLayout.Ipv4Source..], connection.VirtualAddress);
        ip[FrameLayout.Ipv4Ttl]--;
        BinaryPrimitives.WriteUInt32BigEndian(quotedIp[FrameLayout.Ipv4Destination..], connection.VirtualAddress);
        BinaryPrimitives.WriteUInt16BigEndian(quotedIp[(quoted.HeaderLength + FrameLayout.DestinationPort)..], connection.VirtualPort);
        FinishRewrite(sent, fields, quoted);
        var nextHop = NextHopToward(connection.ClientAddress);
        return _transmitter.Send(sent, outInterface, nextHop, connection.ClientMac);
    }

    /// <summary>As the kernel: both IP header checksums and the whole ICMP checksum computed afresh.</summary>
    private static void FinishRewrite(Span<byte> frame, in PacketFields fields, in QuotedPacket quoted)
    {
        Ipv4HeaderWriter.RecomputeChecksum(frame[FrameLayout.EthernetHeaderLength..]);
        Ipv4HeaderWriter.RecomputeChecksum(frame[quoted.Offset..]);
        var icmp = frame.Slice(fields.TransportOffset, fields.TotalLength - fields.IpHeaderLength);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[IcmpLayout.Checksum..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[IcmpLayout.Checksum..], InternetChecksum.Compute(icmp));
    }

    private uint NextHopToward(uint destination)
    {
        _transmitter.Neighbors.TryRoute(destination, out var nextHop, out _);
        return nextHop;
    }
}
