namespace Forwarder.Capture.Replay;

/// <summary>
/// Work a replay does at moments of its clock, between frames (the executable fills it with timed ipvsadm
/// commands; this project knows nothing of ipvsadm). Events come out in the order they are to run, each no
/// earlier than the one before it.
/// </summary>
public interface IReplayTimeline
{
    /// <summary>When the next event is due, in µs after the capture's first frame (negative: before it); null once none is left.</summary>
    long? NextOffset { get; }

    /// <summary>
    /// Runs the next event, the engine's clock already advanced to its time. An exception stops the replay
    /// there; the output captures keep what was written before it.
    /// </summary>
    void RunNext();
}
