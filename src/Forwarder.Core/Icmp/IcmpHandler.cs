using Forwarder.Core.Connections;
using Forwarder.Core.Forwarding;
using Forwarder.Core.Frames;
using Forwarder.Core.Ownership;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Icmp;

/// <summary>
/// ICMP at the director: echo requests to its own addresses and to those it owns (<see cref="VirtualAddressOwnership"/>) are answered; errors that quote a
/// packet of a tracked connection are relayed to the other side by the connection's forwarding method, as
/// IPVS's ip_vs_in_icmp and ip_vs_out_icmp (NAT rewrites them, ip_vs_nat_icmp; direct routing passes them on
/// as it passes the connection's packets; a tunnel's are not ours). The director's own errors are
/// <see cref="LocalAnswerTransmit"/>'s.
/// </summary>
public sealed class IcmpHandler
{
    private readonly DirectorTopology _topology;
    private readonly VirtualAddressOwnership _ownership;
    private readonly ConnectionTable _connections;
    private readonly TransmitTable _transmits;
    private readonly LocalAnswerTransmit _answers;
    private readonly bool _answerForOwnAddresses;

    /// <param name="answerForOwnAddresses">Whether to answer echo for the interfaces' own addresses too (the engine's setting of that name).</param>
    public IcmpHandler(DirectorTopology topology, VirtualAddressOwnership ownership, ConnectionTable connections, TransmitTable transmits, LocalAnswerTransmit answers, bool answerForOwnAddresses)
    {
        _topology = topology;
        _ownership = ownership;
        _connections = connections;
        _transmits = transmits;
        _answers = answers;
        _answerForOwnAddresses = answerForOwnAddresses;
    }

    /// <summary>NotOurs when the message concerns nothing the director answers for (it may still be masqueraded).</summary>
    public FrameOutcome Handle(in FrameContext context, ReadOnlySpan<byte> frame, in PacketFields fields, int interfaceIndex)
    {
        var link = _topology.Interfaces[interfaceIndex];
        if (fields.IcmpType == IcmpLayout.EchoRequest &&
            (_ownership.Answers(fields.Destination, interfaceIndex) ||
             (_answerForOwnAddresses && _topology.IsOwnAddress(fields.Destination))))
        {
            return _answers.AnswerEcho(context, frame, fields, interfaceIndex);
        }
        if (!IcmpLayout.IsError(fields.IcmpType) || !QuotedPacket.TryRead(frame, fields, out var quoted) ||
            quoted.Protocol is not (FrameLayout.ProtocolTcp or FrameLayout.ProtocolUdp))
        {
            return FrameOutcome.NotOurs;
        }
        if (link.Role == InterfaceRole.Public)
        {
            // The client reports on a packet we sent it: from the virtual service to the client.
            var slot = _connections.FindByClient(quoted.Protocol, quoted.DestinationAddress, quoted.DestinationPort, quoted.SourceAddress, quoted.SourcePort, context.Now);
            if (slot < 0)
            {
                return FrameOutcome.NotOurs;
            }
            ref var connection = ref _connections[slot];
            return _transmits[connection.Method].RelayIcmpToServer(context, ref connection, frame, fields, quoted);
        }
        // A real server (or a router behind it) reports on a packet from the client it was sent.
        var nat = _connections.FindByServer(quoted.Protocol, quoted.DestinationAddress, quoted.DestinationPort, quoted.SourceAddress, quoted.SourcePort, context.Now);
        if (nat < 0)
        {
            return FrameOutcome.NotOurs;
        }
        ref var replied = ref _connections[nat];
        return _transmits[replied.Method].RelayIcmpToClient(context, ref replied, frame, fields, quoted);
    }
}
