namespace Forwarder.Core.Services;

/// <summary>What a scheduler may look at in the packet that opens a flow (host-order addresses and ports).</summary>
public readonly record struct FlowInfo(byte Protocol, uint SourceAddress, ushort SourcePort, uint DestinationAddress, ushort DestinationPort, long Now);
