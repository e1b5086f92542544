using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Monitoring;

/// <summary>One real server of a service as a snapshot saw it: what /proc/net/ip_vs prints for it, and its traffic.</summary>
public sealed record DestinationFigures(
    InetAddress Address,
    ushort Port,
    ForwardingMethod Method,
    int Weight,
    int ActiveConnections,
    int InactiveConnections,
    TrafficFigures Traffic);
