namespace Forwarder.Core.Services;

/// <summary>
/// The kernel's rate estimator for one set of counters (<c>ip_vs_est.c</c>), on an explicit clock so that
/// it is deterministic. As IPVS: every 2 seconds the counter increase since the last tick becomes a rate,
/// kept scaled (connections and packets by 2^10, bytes by 2^5) and smoothed by an EWMA of weight 1/4:
/// <c>avg += (rate - avg) &gt;&gt; 2</c>. Reading rounds the scaled averages back to whole units per second.
/// </summary>
public sealed class RateEstimator
{
    /// <summary>The kernel runs the estimation every 2 seconds (<c>2*HZ</c>).</summary>
    public const long IntervalMicroseconds = 2_000_000;

    // Two seconds of increase shifted by 9 is one second's worth scaled by 2^10; by 4, scaled by 2^5.
    private const int PacketScaleShift = 9;
    private const int ByteScaleShift = 4;
    private const int SmoothingShift = 2;

    private long _lastConnections;
    private long _lastInPackets;
    private long _lastOutPackets;
    private long _lastInBytes;
    private long _lastOutBytes;

    private long _connectionsScaled;
    private long _inPacketsScaled;
    private long _outPacketsScaled;
    private long _inBytesScaled;
    private long _outBytesScaled;

    private long _nextTick;

    /// <summary>The next tick of an estimator that has not seen its counters yet.</summary>
    private const long NotStarted = long.MinValue;

    /// <summary>Starts estimating from the counters as they are now (as <c>ip_vs_start_estimator</c>): rates start at zero.</summary>
    public RateEstimator(TrafficCounters counters, long now)
    {
        Reset(counters, now);
    }

    /// <summary>
    /// An estimator that starts at its first <see cref="Sample"/>, from the counters' values then. Made with the
    /// counters it estimates, wherever they are made (a -R's trial thread), so the engine's thread only samples:
    /// a 110,000-line restore once left it 110,000 estimators to allocate in one tick.
    /// </summary>
    public RateEstimator()
    {
        _nextTick = NotStarted;
    }

    /// <summary>Whether the first sample has started the estimator.</summary>
    public bool IsStarted => _nextTick != NotStarted;

    /// <summary>Engine time (µs) of the next 2-second estimation tick.</summary>
    public long NextTick => _nextTick;

    /// <summary>
    /// Runs every estimation tick due by <paramref name="now"/>. The first due tick sees the whole increase
    /// since the previous one; further ticks missed by a late call see none, so call at least every 2 seconds
    /// for the kernel's exact figures.
    /// </summary>
    public void Sample(TrafficCounters counters, long now)
    {
        if (_nextTick == NotStarted)
        {
            Reset(counters, now);
            return;
        }
        while (now >= _nextTick)
        {
            Estimate(counters);
            _nextTick += IntervalMicroseconds;
        }
    }

    /// <summary>The current rates, rounded as <c>ip_vs_read_estimator</c> does.</summary>
    public TrafficRates Rates => new(
        (_connectionsScaled + 0x1FF) >> 10,
        (_inPacketsScaled + 0x1FF) >> 10,
        (_outPacketsScaled + 0x1FF) >> 10,
        (_inBytesScaled + 0xF) >> 5,
        (_outBytesScaled + 0xF) >> 5);

    /// <summary>As <c>ip_vs_zero_estimator</c> (ipvsadm -Z): the averages drop to zero and counting restarts from the counters' present values.</summary>
    public void Reset(TrafficCounters counters, long now)
    {
        _lastConnections = counters.Connections;
        _lastInPackets = counters.InPackets;
        _lastOutPackets = counters.OutPackets;
        _lastInBytes = counters.InBytes;
        _lastOutBytes = counters.OutBytes;
        _connectionsScaled = _inPacketsScaled = _outPacketsScaled = _inBytesScaled = _outBytesScaled = 0;
        _nextTick = now + IntervalMicroseconds;
    }

    private void Estimate(TrafficCounters counters)
    {
        Smooth(ref _connectionsScaled, ref _lastConnections, counters.Connections, PacketScaleShift);
        Smooth(ref _inPacketsScaled, ref _lastInPackets, counters.InPackets, PacketScaleShift);
        Smooth(ref _outPacketsScaled, ref _lastOutPackets, counters.OutPackets, PacketScaleShift);
        Smooth(ref _inBytesScaled, ref _lastInBytes, counters.InBytes, ByteScaleShift);
        Smooth(ref _outBytesScaled, ref _lastOutBytes, counters.OutBytes, ByteScaleShift);
    }

    private static void Smooth(ref long average, ref long last, long current, int scaleShift)
    {
        var rate = (current - last) << scaleShift;
        last = current;
        // An arithmetic shift of the signed difference, as the kernel's (s64) casts make it.
        average += (rate - average) >> SmoothingShift;
    }
}
