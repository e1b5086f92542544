namespace Forwarder.Core.Transmit;

/// <summary>
/// What one call of the engine hands to everything that handles its frame: the engine's time and the batch the
/// frames to send go into. A ref struct, so it lives for that call only and nothing can keep it: no part of
/// the data path holds a clock or an output of its own between frames.
/// </summary>
public readonly ref struct FrameContext
{
    public FrameContext(long now, OutputBatch output)
    {
        Now = now;
        Output = output;
    }

    /// <summary>The engine's clock for this frame (µs).</summary>
    public long Now { get; }

    public OutputBatch Output { get; }
}
