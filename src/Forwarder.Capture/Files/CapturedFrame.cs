namespace Forwarder.Capture.Files;

/// <summary>One frame read from a capture: its number in the file (from 1), its time in µs since the epoch, its bytes.</summary>
public sealed record CapturedFrame(int Number, long Timestamp, byte[] Data);
