using Forwarder.CaptureBuilder.Frames;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// One fetch of a generated NAT scenario: who dials which virtual address when, the real server the
/// kernel's scheduler is expected to pick (it answers in the capture), and whether the flow closes.
/// </summary>
public sealed record PlannedFetch(NetworkHost Client, ushort ClientPort, string VirtualAddress, NetworkHost Server, double StartSeconds, bool Close = true);
