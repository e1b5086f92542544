using Forwarder.Capture.Live;
using Forwarder.Core.Transmit;

namespace Forwarder.Director;

/// <summary>
/// A sending thread per interface, fed batches by the engine's thread. On veths (and on any interface whose
/// receiver runs in the sender's softirq) a transmit call carries on through the receiving stack: the real server's
/// TCP, its ACK back to the director, the client's next segments. Sent from the engine's thread, all of that runs on
/// it and starves the reading; sent from a thread per interface, it runs beside the engine, on the other core.
/// The engine fills one of <see cref="BatchCount"/> batches; <see cref="Submit"/> hands it to the senders of the
/// interfaces it has frames for and moves on to the next batch, waiting only when every batch is still being sent.
/// Each interface's frames leave in the order the engine wrote them. Nothing is allocated per batch.
/// </summary>
public sealed class InterfaceSenders : IDisposable
{
    /// <summary>Batches in flight: one the engine writes, the others queued or being sent.</summary>
    public const int BatchCount = 4;

    /// <summary>
    /// An interface's share of a batch smaller than this (a round's worth) is sent on the engine's thread when its
    /// sender has nothing queued: waking a thread costs more than sending a few frames, so light traffic (request and
    /// answer) stays on one thread and a sender takes over only once rounds fill up, and stays on while it is busy.
    /// </summary>
    public const int InlineBelow = LiveDirector.FramesPerInterfaceAndRound;

    private readonly OutputBatch[] _batches;
    private readonly int[] _sendersLeft;
    private readonly InterfaceSender[] _senders;
    private readonly IReadOnlyList<IDirectorPort> _ports;
    private readonly bool[] _handOver;
    private readonly ManualResetEventSlim _batchFreed = new(false);
    private int _current;
    private bool _disposed;

    public InterfaceSenders(IReadOnlyList<IDirectorPort> ports, Func<OutputBatch> createBatch)
    {
        _batches = new OutputBatch[BatchCount];
        for (var i = 0; i < BatchCount; i++)
        {
            _batches[i] = createBatch();
        }
        _sendersLeft = new int[BatchCount];
        _ports = ports;
        _handOver = new bool[ports.Count];
        _senders = new InterfaceSender[ports.Count];
        for (var index = 0; index < ports.Count; index++)
        {
            _senders[index] = new InterfaceSender(ports[index], index, this);
        }
    }

    /// <summary>The batch the engine writes into now.</summary>
    public OutputBatch Current => _batches[_current];

    /// <summary>
    /// Hands the current batch to the senders of the interfaces it has frames for and makes the next batch current,
    /// once every sender is done with it.
    /// </summary>
    public void Submit()
    {
        var batch = _batches[_current];
        if (batch.Count == 0)
        {
            return;
        }
        // Counted before any sender is told, so none can see the count reach zero while others are still to come.
        var posted = 0;
        for (var index = 0; index < _senders.Length; index++)
        {
            var frames = FramesFor(batch, index);
            if (frames > 0 && (frames >= InlineBelow || !_senders[index].IsIdle))
            {
                _handOver[index] = true;
                posted++;
            }
            else
            {
                _handOver[index] = false;
                if (frames > 0)
                {
                    // A few frames and nothing queued before them: sent here, which costs less than waking a sender.
                    _ports[index].Transmit(batch, index);
                }
            }
        }
        if (posted == 0)
        {
            batch.Clear();
            return;
        }
        Volatile.Write(ref _sendersLeft[_current], posted);
        for (var index = 0; index < _senders.Length; index++)
        {
            if (_handOver[index])
            {
                _senders[index].Post(_current);
            }
        }
        _current = (_current + 1) % BatchCount;
        WaitUntilFree(_current);
        _batches[_current].Clear();
    }

    /// <summary>Waits until every batch handed over has been sent (at stop, so the counts are final).</summary>
    public void Flush()
    {
        for (var i = 0; i < BatchCount; i++)
        {
            WaitUntilFree(i);
        }
    }

    private void WaitUntilFree(int index)
    {
        while (Volatile.Read(ref _sendersLeft[index]) != 0)
        {
            // Reset, then look again: a sender's Set after the look is then seen by the wait.
            _batchFreed.Reset();
            if (Volatile.Read(ref _sendersLeft[index]) == 0)
            {
                break;
            }
            _batchFreed.Wait();
        }
    }

    internal OutputBatch BatchAt(int index) => _batches[index];

    internal void Sent(int index)
    {
        if (Interlocked.Decrement(ref _sendersLeft[index]) == 0)
        {
            _batchFreed.Set();
        }
    }

    private static int FramesFor(OutputBatch batch, int interfaceIndex)
    {
        var frames = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            frames += batch.InterfaceAt(i) == interfaceIndex ? 1 : 0;
        }
        return frames;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (var sender in _senders)
        {
            sender.Dispose();
        }
        _batchFreed.Dispose();
    }
}
