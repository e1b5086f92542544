namespace Forwarder.Capture.Replay;

/// <summary>A replay with nothing to do but frames.</summary>
public sealed class NoTimeline : IReplayTimeline
{
    public static NoTimeline Instance { get; } = new();

    private NoTimeline()
    {
    }

    public long? NextOffset => null;

    public void RunNext() => throw new InvalidOperationException("the empty timeline has no event to run");
}
