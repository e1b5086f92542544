using Forwarder.CaptureBuilder.Frames;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// One fetch of a generated NAT scenario: who dials which virtual address when, the real server the
/// kernel's scheduler is expected to pick (it answers in the capture), whether the flow closes, and the port dialled
/// (the real server answers on the same one, as a firewall-mark service's port-0 servers keep the packet's port).
/// </summary>
public sealed record PlannedFetch(NetworkHost Client, ushort ClientPort, string VirtualAddress, NetworkHost Server, double StartSeconds, bool Close = true,
    ushort VirtualPort = 80);
