using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Monitoring;

/// <summary>
/// One virtual service as a snapshot saw it, with its real servers in the service's own order; a firewall-mark
/// service has its <see cref="FirewallMark"/> (0 for a TCP/UDP/SCTP service) and address and port 0.
/// </summary>
public sealed record ServiceFigures(
    IpProtocol Protocol,
    InetAddress Address,
    ushort Port,
    string Scheduler,
    bool OnePacket,
    int? PersistenceTimeout,
    Ipv4Address PersistenceMask,
    TrafficFigures Traffic,
    IReadOnlyList<DestinationFigures> Destinations,
    uint FirewallMark = 0);
