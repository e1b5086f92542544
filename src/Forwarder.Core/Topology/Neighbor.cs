using Forwarder.Core.Frames;

namespace Forwarder.Core.Topology;

/// <summary>A host on one of the director's links whose MAC address is known.</summary>
public readonly record struct Neighbor(Ipv4Address Address, MacAddress Mac, int InterfaceIndex);
