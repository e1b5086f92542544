using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Monitoring;

/// <summary>One virtual service as a snapshot saw it, with its real servers in the service's own order.</summary>
public sealed record ServiceFigures(
    IpProtocol Protocol,
    InetAddress Address,
    ushort Port,
    string Scheduler,
    bool OnePacket,
    int? PersistenceTimeout,
    Ipv4Address PersistenceMask,
    TrafficFigures Traffic,
    IReadOnlyList<DestinationFigures> Destinations);
