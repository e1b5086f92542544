using Forwarder.Core.Frames;

namespace Forwarder.Core.Services;

/// <summary>What a scheduler may look at in the packet that opens a flow (addresses IPv4 or IPv6, ports host order).</summary>
public readonly record struct FlowInfo(byte Protocol, InetAddress SourceAddress, ushort SourcePort, InetAddress DestinationAddress, ushort DestinationPort, long Now);
