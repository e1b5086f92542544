namespace Forwarder.Capture.Replay;

/// <summary>What a replay read and wrote: frames per input interface and per output interface.</summary>
public sealed record ReplayResult(IReadOnlyDictionary<string, int> FramesIn, IReadOnlyDictionary<string, int> FramesOut, long LastTimestamp);
