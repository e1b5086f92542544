using Forwarder.Core.Frames;

namespace Forwarder.Core.Topology;

/// <summary>A host on one of the director's links whose MAC address is known (IPv4 or IPv6).</summary>
public readonly record struct Neighbor(InetAddress Address, MacAddress Mac, int InterfaceIndex);
