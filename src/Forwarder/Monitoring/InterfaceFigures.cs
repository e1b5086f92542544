namespace Forwarder.Monitoring;

/// <summary>
/// One capture port's counts: what the director read and sent, and libpcap's own (<c>pcap_stats</c>: frames the
/// kernel's filter passed, those its ring dropped for want of room, those the interface itself dropped).
/// </summary>
public sealed record InterfaceFigures(
    string Name,
    long Received,
    long Sent,
    long SendFailures,
    long PcapReceived,
    long PcapDropped,
    long InterfaceDropped);
