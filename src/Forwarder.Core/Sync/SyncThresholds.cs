using Forwarder.Core.Connections;

namespace Forwarder.Core.Sync;

/// <summary>
/// Whether a master sends a connection now, as the kernel's <c>ip_vs_sync_conn_needed</c>, on the connection's own sync
/// bookkeeping. Time goes in the kernel's jiffies at Debian's HZ of 250 (4 ms), wrapping in 32 bits as they do.
/// A TCP connection is sent only in ESTABLISHED, FIN_WAIT, CLOSE, CLOSE_WAIT or TIME_WAIT: at once when it has moved
/// into one of the last four since last considered, otherwise when its packet count hits the threshold (3, 53, 103, ...
/// with the defaults). UDP goes by the count alone; a template is sent every time one of its connections is considered.
/// </summary>
public static class SyncThresholds
{
    /// <summary>Jiffies per second (CONFIG_HZ=250).</summary>
    public const int Hz = 250;

    private const long MicrosecondsPerJiffy = 1_000_000 / Hz;

    public static uint Jiffies(long microseconds) => (uint)(microseconds / MicrosecondsPerJiffy);

    /// <param name="connection">The connection considered.</param>
    /// <param name="sync">Its sync bookkeeping: the old state and end time move as the kernel's do when it is considered.</param>
    /// <param name="packets">The connection's client packets so far (the kernel's in_pkts after this packet).</param>
    /// <param name="timeoutMicroseconds">Its current timeout.</param>
    /// <param name="now">Engine time (µs).</param>
    /// <param name="controlledByTemplate">Whether a persistence template controls it (sync_persist_mode's question).</param>
    public static bool IsNeeded(in Connection connection, ref ConnectionSyncState sync, int packets, long timeoutMicroseconds, long now, SyncSettings settings, bool controlledByTemplate)
    {
        var original = sync.EndTime;
        var nowJiffies = Jiffies(now);
        var timeout = (uint)(timeoutMicroseconds / MicrosecondsPerJiffy);
        var next = (nowJiffies + timeout) & ~3u;
        var force = false;
        if (connection.IsTemplate)
        {
            force = false;
        }
        else if (settings.PersistMode && controlledByTemplate)
        {
            return false;
        }
        else if (connection.Protocol == 6)
        {
            if (connection.State is not (TcpState.Established or TcpState.FinWait or TcpState.Close or TcpState.CloseWait or TcpState.TimeWait))
            {
                return false;
            }
            force = connection.State != sync.OldState;
            if (force && connection.State != TcpState.Established)
            {
                return Set(in connection, ref sync, next);
            }
        }

        var refresh = (uint)settings.RefreshPeriodSeconds * Hz;
        if (refresh > 0)
        {
            var difference = Math.Abs((long)(int)(next - original));
            var minimumDifference = Math.Max(timeout >> 1, 10u * Hz);
            if (difference < Math.Min(refresh, minimumDifference))
            {
                var retries = (int)(original & 3);
                if (retries >= settings.Retries)
                {
                    return false;
                }
                // No repeat sooner than an eighth of the refresh period after the last send.
                if ((int)(nowJiffies - (original - timeout + (refresh >> 3))) < 0)
                {
                    return false;
                }
                next |= (uint)(retries + 1);
            }
        }
        if (settings.Period > 0)
        {
            if (!connection.IsTemplate && packets % settings.Period != settings.Threshold)
            {
                return false;
            }
        }
        else if (refresh == 0 && packets != settings.Threshold)
        {
            return false;
        }
        return Set(in connection, ref sync, next);
    }

    private static bool Set(in Connection connection, ref ConnectionSyncState sync, uint next)
    {
        sync.OldState = connection.State;
        sync.EndTime = next;
        return true;
    }
}
