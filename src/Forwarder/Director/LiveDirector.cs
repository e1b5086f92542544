using Forwarder.Capture.Live;
using Forwarder.Core.Engine;
using Forwarder.Core.Transmit;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Director;

/// <summary>
/// The running director: one thread per interface reads frames from libpcap, hands them to the engine
/// under one lock (the engine is single-threaded), and injects what the engine sends. Queued ipvsadm
/// commands run under the same lock between two frames, so each applies whole; a submitted command wakes the
/// pumps waiting for frames, so an idle director answers at once rather than at its next read timeout, and a -R is
/// parsed and tried on the client's thread, leaving the engine only a short commit. Idle read timeouts tick
/// the engine's clock (expiries, ARP retries, rate estimation).
/// </summary>
public sealed class LiveDirector
{
    private readonly DirectorEngine _engine;
    private readonly LivePort[] _ports;
    private readonly EngineCommandQueue _commands;
    private readonly IpvsadmExecutor _executor;
    private readonly Action<long>? _onTick;
    private const long TickMicroseconds = 100_000;
    private long _nextTick;

    /// <param name="ports">Indexed like the topology's interfaces.</param>
    /// <param name="onTick">Called under the engine lock every tenth of a second, with the time (µs): rate sampling and such.</param>
    public LiveDirector(DirectorEngine engine, LivePort[] ports, EngineCommandQueue commands, IpvsadmExecutor executor, Action<long>? onTick = null)
    {
        _engine = engine;
        _ports = ports;
        _commands = commands;
        _executor = executor;
        _onTick = onTick;
        commands.PrepareRestoresWith(executor);
        commands.AlsoWake(WakePumps);
    }

    /// <summary>Held while the engine processes a frame; control commands hold it too.</summary>
    public object EngineLock { get; } = new();

    /// <summary>The counters as text, taken under the engine lock.</summary>
    public string Counters()
    {
        lock (EngineLock)
        {
            return CountersReport.Format(_engine, _ports);
        }
    }

    public void Run(CancellationToken stop)
    {
        var pumps = _ports.Select((port, index) => new Thread(() => Pump(port, index, stop)) { IsBackground = true, Name = "pump " + port.Name }).ToList();
        // A stop request ends the pumps' wait for frames too, rather than at their next read timeout.
        using var onStop = stop.Register(WakePumps);
        pumps.ForEach(p => p.Start());
        pumps.ForEach(p => p.Join());
        // What libpcap counted and no pump read is counted too, so the counters add up after a stop.
        foreach (var port in _ports)
        {
            port.DiscardUnread();
        }
    }

    private void WakePumps()
    {
        foreach (var port in _ports)
        {
            port.Wake();
        }
    }

    /// <summary>Every tenth of a second of engine time, busy or idle, the tick work runs (rates, the counters file).</summary>
    private void Tick(long now)
    {
        if (now < _nextTick)
        {
            return;
        }
        _nextTick = now + TickMicroseconds;
        _onTick?.Invoke(now);
    }

    private void Pump(LivePort port, int interfaceIndex, CancellationToken stop)
    {
        var buffer = new byte[65536];
        var output = new OutputBatch();
        while (!stop.IsCancellationRequested)
        {
            if (port.TryReceive(buffer, out var length, out var timestamp))
            {
                lock (EngineLock)
                {
                    _engine.Process(buffer.AsSpan(0, length), interfaceIndex, timestamp, output);
                    Tick(timestamp);
                }
            }
            else
            {
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
                lock (EngineLock)
                {
                    _engine.AdvanceClock(now, output);
                    Tick(now);
                }
            }
            if (_commands.HasPending)
            {
                lock (EngineLock)
                {
                    _commands.RunPending(_executor.Execute);
                }
            }
            for (var i = 0; i < output.Count; i++)
            {
                _ports[output.InterfaceAt(i)].Send(output.FrameAt(i));
            }
            output.Clear();
        }
    }
}
