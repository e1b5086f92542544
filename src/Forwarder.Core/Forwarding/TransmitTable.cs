using System.Runtime.CompilerServices;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Services;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Forwarding;

/// <summary>
/// The forwarding methods by <see cref="ForwardingMethod"/>: a connection's method, fixed when the connection is
/// created from its destination's, picks its <see cref="PacketTransmit"/> here with one array index, as the
/// kernel's ip_vs_bind_xmit sets <c>cp-&gt;packet_xmit</c> once; no packet asks which method it has.
/// </summary>
public sealed class TransmitTable
{
    private readonly PacketTransmit[] _byMethod;

    public TransmitTable(DirectorTopology topology, EthernetTransmitter link, NeighborTable neighbors, Ipv4Identification identification, LocalAnswerTransmit answers)
    {
        _byMethod = new PacketTransmit[Enum.GetValues<ForwardingMethod>().Length];
        _byMethod[(int)ForwardingMethod.Masquerade] = new NatTransmit(link, neighbors, answers);
        _byMethod[(int)ForwardingMethod.DirectRoute] = new DirectRouteTransmit(link, neighbors, answers);
        _byMethod[(int)ForwardingMethod.Tunnel] = new TunnelTransmit(link, neighbors, topology, identification, answers,
            new Ipv6TunnelTransmit(link, neighbors, topology, answers));
    }

    public PacketTransmit this[ForwardingMethod method]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _byMethod[(int)method];
    }
}
