using Forwarder.Core.Connections;
using Forwarder.Core.Sync;

namespace Forwarder.Core.Tests.Sync;

/// <summary>Which packets make a master send a connection: ip_vs_sync_conn_needed with the kernel's defaults and its switches, on a driven clock.</summary>
public sealed class SyncThresholdsTests
{
    private const long Second = 1_000_000;
    private const long Start = 1_700_000_000_000_000;
    private static readonly long Established = 900 * Second;

    /// <summary>The connection's sync bookkeeping, as the table keeps it beside the entry; each test starts afresh.</summary>
    private ConnectionSyncState _sync;

    [SetUp]
    public void ClearSyncState() => _sync = default;

    /// <summary>The packet numbers (1-based) at which a connection held in <paramref name="state"/> is sent, over <paramref name="packets"/> packets a second apart.</summary>
    private List<int> SentAt(ref Connection connection, int packets, SyncSettings settings, Func<int, TcpState>? stateAt = null, long timeout = 0, long step = Second)
    {
        var sent = new List<int>();
        for (var packet = 1; packet <= packets; packet++)
        {
            if (stateAt is not null)
            {
                connection.State = stateAt(packet);
            }
            if (SyncThresholds.IsNeeded(in connection, ref _sync, packet, timeout == 0 ? Established : timeout, Start + (packet * step), settings, controlledByTemplate: false))
            {
                sent.Add(packet);
            }
        }
        return sent;
    }

    [Test]
    public void EstablishedTcp_IsSentAtTheThirdPacket_ThenEveryFifty()
    {
        var connection = new Connection { Protocol = 6, State = TcpState.Established };

        Assert.That(SentAt(ref connection, 160, new SyncSettings()), Is.EqualTo(new[] { 3, 53, 103, 153 }));
    }

    [Test]
    public void Handshake_IsNeverSent_ThenEstablishedWaitsForTheCount()
    {
        var connection = new Connection { Protocol = 6 };

        // SYN_RECV for two packets, then ESTABLISHED: the change to ESTABLISHED alone does not send it.
        var sent = SentAt(ref connection, 5, new SyncSettings(), p => p <= 2 ? TcpState.SynRecv : TcpState.Established);

        Assert.That(sent, Is.EqualTo(new[] { 3 }));
    }

    [TestCase(TcpState.FinWait)]
    [TestCase(TcpState.CloseWait)]
    [TestCase(TcpState.Close)]
    [TestCase(TcpState.TimeWait)]
    public void ClosingState_IsSentAtOnce_OnlyOnTheChange(TcpState closing)
    {
        var connection = new Connection { Protocol = 6 };

        var sent = SentAt(ref connection, 10, new SyncSettings(), p => p < 5 ? TcpState.Established : closing);

        Assert.That(sent, Is.EqualTo(new[] { 3, 5 }));
    }

    [Test]
    public void StateMovedByAReply_IsSentOnTheNextClientPacket()
    {
        // The server's FIN moved the connection to FIN_WAIT between two client packets: the next client packet sends it.
        var connection = new Connection { Protocol = 6, State = TcpState.Established };
        SentAt(ref connection, 3, new SyncSettings());
        connection.State = TcpState.FinWait;

        Assert.That(SyncThresholds.IsNeeded(in connection, ref _sync, 4, Established, Start + (4 * Second), new SyncSettings(), false), Is.True);
    }

    [Test]
    public void Udp_GoesByTheCountAlone()
    {
        var connection = new Connection { Protocol = 17 };

        Assert.That(SentAt(ref connection, 60, new SyncSettings(), timeout: 300 * Second), Is.EqualTo(new[] { 3, 53 }));
    }

    [Test]
    public void Template_IsSentEveryTimeItIsConsidered()
    {
        var template = new Connection { Protocol = 6, Flags = ConnectionFlags.Template | ConnectionFlags.InUse };

        Assert.That(SentAt(ref template, 5, new SyncSettings(), timeout: 600 * Second), Is.EqualTo(new[] { 1, 2, 3, 4, 5 }));
    }

    [Test]
    public void PeriodZero_SendsOnlyAtTheThreshold()
    {
        var connection = new Connection { Protocol = 6, State = TcpState.Established };

        Assert.That(SentAt(ref connection, 200, new SyncSettings { Period = 0 }), Is.EqualTo(new[] { 3 }));
    }

    [Test]
    public void PersistMode_LeavesControlledConnectionsToTheirTemplate()
    {
        var connection = new Connection { Protocol = 6, State = TcpState.Established };

        Assert.That(SyncThresholds.IsNeeded(in connection, ref _sync, 3, Established, Start, new SyncSettings { PersistMode = true }, controlledByTemplate: true), Is.False);
        Assert.That(SyncThresholds.IsNeeded(in connection, ref _sync, 3, Established, Start, new SyncSettings { PersistMode = true }, controlledByTemplate: false), Is.True);
    }

    [Test]
    public void RefreshPeriod_HoldsBackRepeats_UntilTheBackupsCopyNeedsIt()
    {
        // sync_refresh_period 60 s, sync_period 0: sent when first due, then again only when the backup's copy (900 s
        // from the last send) would end more than 60 s before the connection's own expiry.
        var settings = new SyncSettings { RefreshPeriodSeconds = 60, Period = 0 };
        var connection = new Connection { Protocol = 6, State = TcpState.Established };

        var sent = SentAt(ref connection, 200, settings);

        Assert.That(sent, Is.EqualTo(new[] { 1, 61, 121, 181 }));
    }

    [Test]
    public void RefreshPeriod_WithRetries_RepeatsEachAnEighthOfThePeriodLater()
    {
        var settings = new SyncSettings { RefreshPeriodSeconds = 80, Period = 0, Retries = 2 };
        var connection = new Connection { Protocol = 6, State = TcpState.Established };

        var sent = SentAt(ref connection, 110, settings);

        // The first send, then two retries, each once 10 s (80 / 8) have passed since the last send, then none until
        // the backup's copy would end more than 80 s early.
        Assert.That(sent, Is.EqualTo(new[] { 1, 11, 21, 102 }));
    }
}
