namespace Forwarder.Core.Transmit;

/// <summary>
/// Where the engine writes the frames it sends: one buffer reused across calls, each frame with the
/// interface it leaves by. The caller sends or records them, then clears the batch.
/// </summary>
public sealed class OutputBatch
{
    private readonly byte[] _buffer;
    private readonly (int Interface, int Offset, int Length)[] _frames;
    private int _used;

    /// <param name="pinned">Whether the buffer never moves, so a batch can be handed to the kernel by address (sendmmsg).</param>
    public OutputBatch(int bufferBytes = 1 << 18, int maximumFrames = 256, bool pinned = false)
    {
        _buffer = GC.AllocateArray<byte>(bufferBytes, pinned);
        _frames = new (int, int, int)[maximumFrames];
        IsPinned = pinned;
    }

    public int Count { get; private set; }

    public bool IsPinned { get; }

    /// <summary>The buffer the frames are written in; its address is stable when <see cref="IsPinned"/>.</summary>
    public byte[] Buffer => _buffer;

    /// <summary>
    /// Whether <paramref name="frames"/> more frames of <paramref name="bytes"/> in all surely fit: a loop that
    /// batches sends what it holds before the engine could meet a full batch.
    /// </summary>
    public bool HasRoomFor(int frames, int bytes) => Count + frames <= _frames.Length && _used + bytes <= _buffer.Length;

    /// <summary>Where frame <paramref name="index"/> starts in <see cref="Buffer"/>.</summary>
    public int OffsetAt(int index) => _frames[index].Offset;

    public int LengthAt(int index) => _frames[index].Length;

    /// <summary>Room for a frame of <paramref name="length"/> bytes out of <paramref name="interfaceIndex"/>; empty when full.</summary>
    public Span<byte> Add(int interfaceIndex, int length)
    {
        if (Count == _frames.Length || _used + length > _buffer.Length)
        {
            return Span<byte>.Empty;
        }
        _frames[Count++] = (interfaceIndex, _used, length);
        var span = _buffer.AsSpan(_used, length);
        _used += length;
        return span;
    }

    /// <summary>Takes back the frame added last (when it turned out it cannot be sent).</summary>
    public void RemoveLast()
    {
        if (Count > 0)
        {
            Count--;
            _used = _frames[Count].Offset;
        }
    }

    public int InterfaceAt(int index) => _frames[index].Interface;

    public ReadOnlySpan<byte> FrameAt(int index) => _buffer.AsSpan(_frames[index].Offset, _frames[index].Length);

    public void Clear()
    {
        Count = 0;
        _used = 0;
    }
}
