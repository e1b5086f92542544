namespace Forwarder.CaptureBuilder.Pcap;

/// <summary>One captured frame: its bytes and when it was seen, in microseconds since the Unix epoch (UTC).</summary>
public sealed record TimedFrame(long UnixMicroseconds, byte[] Bytes);
