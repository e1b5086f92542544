using Forwarder.Capture.Live;
using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Transmit;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Director;

/// <summary>
/// The running director: one thread owns the engine. It waits on both interfaces' capture descriptors and on a
/// wake-up (a queued ipvsadm command, a stop); woken, it drains what libpcap holds on each interface the wait found
/// readable, a bounded number of frames from each in turn, runs the engine on them into one output batch, then the
/// commands and the tick work, and transmits the whole batch — one sendmmsg per interface where the ports send by packet socket.
/// Commands therefore run between two batches and apply whole; a -R is parsed and tried on the client's thread,
/// leaving the engine only a short commit. Idle waits tick the engine's clock (expiries, ARP retries, rates).
/// </summary>
public sealed class LiveDirector : IDisposable
{
    /// <summary>Frames read from one interface before the loop turns to the other: neither starves, and a round's batch stays bounded.</summary>
    public const int FramesPerInterfaceAndRound = 64;

    /// <summary>Output frames one input frame may write at most (a fragmented tunnel packet, frames held for ARP and released).</summary>
    private const int OutputFramesPerInput = 16;

    /// <summary>Output bytes one input frame may write at most: the largest frame, or the held frames it releases.</summary>
    private const int OutputBytesPerInput = FrameLayout.MaximumFrameLength;

    /// <summary>The engine's clock moves on at least this often with no traffic (ms).</summary>
    private const int IdleWaitMilliseconds = 50;

    private const long TickMicroseconds = 100_000;

    private readonly DirectorEngine _engine;
    private readonly IReadOnlyList<IDirectorPort> _ports;
    private readonly EngineCommandQueue _commands;
    private readonly IpvsadmExecutor _executor;
    private readonly Action<long>? _onTick;
    private readonly ReadinessWait _wait;
    private readonly OutputBatch _inlineOutput;
    private readonly InterfaceSenders? _senders;
    // A group of frames read before the engine sees them, so their lookups are hinted together (DirectorEngine.HintGroup).
    private readonly byte[][] _group = Enumerable.Range(0, DirectorEngine.GroupSize).Select(_ => new byte[FrameLayout.MaximumFrameLength]).ToArray();
    private readonly int[] _groupLengths = new int[DirectorEngine.GroupSize];
    private readonly long[] _groupTimes = new long[DirectorEngine.GroupSize];
    private long _nextTick;
    private long _rounds;
    private long _transmits;

    /// <param name="ports">Indexed like the topology's interfaces.</param>
    /// <param name="onTick">Called on the engine's thread every tenth of a second, with the time (µs): rate sampling and such.</param>
    /// <param name="output">The batch the engine writes into; pinned when a port sends by address (the default is).</param>
    /// <param name="sendingThreads">Whether each interface's frames leave from a thread of its own (<see cref="InterfaceSenders"/>) rather than the engine's.</param>
    public LiveDirector(DirectorEngine engine, IReadOnlyList<IDirectorPort> ports, EngineCommandQueue commands, IpvsadmExecutor executor,
        Action<long>? onTick = null, OutputBatch? output = null, bool sendingThreads = false)
    {
        _engine = engine;
        _ports = ports;
        _commands = commands;
        _executor = executor;
        _onTick = onTick;
        _inlineOutput = output ?? new OutputBatch(pinned: true);
        _senders = sendingThreads ? new InterfaceSenders(ports, () => new OutputBatch(pinned: true)) : null;
        _wait = new ReadinessWait(ports.Select(port => port.ReadinessDescriptor).ToArray());
        commands.PrepareRestoresWith(executor);
        commands.AlsoWake(_wait.Wake);
    }

    /// <summary>The batch the engine writes into now.</summary>
    private OutputBatch Output => _senders?.Current ?? _inlineOutput;

    /// <summary>Held while the engine works through a round; whoever reads the engine from another thread holds it too.</summary>
    public object EngineLock { get; } = new();

    /// <summary>Rounds that read at least one frame, and the transmit steps that sent their batches: frames per round is the batching achieved.</summary>
    public (long Rounds, long Transmits) Batching => (Interlocked.Read(ref _rounds), Interlocked.Read(ref _transmits));

    /// <summary>The counters as text, taken under the engine lock.</summary>
    public string Counters()
    {
        lock (EngineLock)
        {
            return CountersReport.Format(_engine, _ports);
        }
    }

    /// <summary>Runs the loop on the calling thread until <paramref name="stop"/> is cancelled.</summary>
    public void Run(CancellationToken stop)
    {
        // A stop request ends the wait for frames too, rather than at its next timeout.
        using var onStop = stop.Register(_wait.Wake);
        var drained = true;
        while (!stop.IsCancellationRequested)
        {
            // A round that had to leave frames behind comes round again at once; otherwise wait for work.
            var waited = drained;
            if (waited)
            {
                _wait.Wait(IdleWaitMilliseconds);
            }
            lock (EngineLock)
            {
                var read = ReadRound(waited, out drained);
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
                if (read == 0)
                {
                    _engine.AdvanceClock(now, Output);
                }
                else
                {
                    Interlocked.Increment(ref _rounds);
                }
                Tick(now);
                if (_commands.HasPending)
                {
                    _commands.RunPending(_executor.Execute);
                }
            }
            Transmit();
        }
        // What libpcap counted and the loop never read is counted too, so the counters add up after a stop.
        foreach (var port in _ports)
        {
            port.DiscardUnread();
        }
    }

    /// <summary>
    /// Up to <see cref="FramesPerInterfaceAndRound"/> frames from each interface, taking turns, through the engine, a
    /// group at a time: the group is read, its lookups hinted, then each frame processed in order. After a wait, only
    /// the interfaces it found readable are read: looking at an empty capture costs libpcap a poll of its own.
    /// <paramref name="drained"/> tells whether every interface ran out of frames before its share.
    /// </summary>
    private int ReadRound(bool afterWait, out bool drained)
    {
        var read = 0;
        drained = true;
        for (var index = 0; index < _ports.Count; index++)
        {
            if (afterWait && !_wait.WasReady(index))
            {
                // Frames that came since the wait make the next one return at once.
                continue;
            }
            var port = _ports[index];
            var taken = 0;
            while (taken < FramesPerInterfaceAndRound)
            {
                var wanted = Math.Min(DirectorEngine.GroupSize, FramesPerInterfaceAndRound - taken);
                var count = port.TryReadMany(_group, _groupLengths, _groupTimes, wanted);
                _engine.HintGroup(_group, _groupLengths, count, index);
                for (var i = 0; i < count; i++)
                {
                    if (!Output.HasRoomFor(OutputFramesPerInput, OutputBytesPerInput))
                    {
                        // The batch is nearly full: send what it holds before the engine could meet a full one.
                        Transmit();
                    }
                    _engine.Process(_group[i].AsSpan(0, _groupLengths[i]), index, _groupTimes[i], Output);
                }
                taken += count;
                if (count < wanted)
                {
                    break;
                }
            }
            read += taken;
            drained &= taken < FramesPerInterfaceAndRound;
        }
        return read;
    }

    /// <summary>Every tenth of a second, busy or idle, the tick work runs (rates, the counters file).</summary>
    private void Tick(long now)
    {
        if (now < _nextTick)
        {
            return;
        }
        _nextTick = now + TickMicroseconds;
        _onTick?.Invoke(now);
    }

    /// <summary>Sends the batch, each interface's frames in one call where its port allows, and empties it.</summary>
    private void Transmit()
    {
        if (Output.Count == 0)
        {
            return;
        }
        Interlocked.Increment(ref _transmits);
        if (_senders is not null)
        {
            _senders.Submit();
            return;
        }
        for (var index = 0; index < _ports.Count; index++)
        {
            if (LeavesBy(index))
            {
                _ports[index].Transmit(Output, index);
            }
        }
        Output.Clear();
    }

    private bool LeavesBy(int index)
    {
        for (var i = 0; i < Output.Count; i++)
        {
            if (Output.InterfaceAt(i) == index)
            {
                return true;
            }
        }
        return false;
    }

    public void Dispose()
    {
        _senders?.Dispose();
        _wait.Dispose();
    }
}
