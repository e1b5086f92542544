namespace Forwarder.Core.Sync;

/// <summary>What the sync daemons did: messages and entries sent and taken, and every drop by its reason. Engine thread only.</summary>
public sealed class SyncCounters
{
    private readonly long[] _messageProblems = new long[Enum.GetValues<SyncMessageProblem>().Length];
    private readonly long[] _entrySkips = new long[Enum.GetValues<SyncEntryProblem>().Length];
    private readonly long[] _applyProblems = new long[Enum.GetValues<SyncApplyProblem>().Length];

    public long MessagesSent { get; internal set; }

    public long EntriesSent { get; internal set; }

    /// <summary>Messages the sink could not send (a full socket buffer, a link down): dropped, as the kernel drops past sync_qlen_max.</summary>
    public long SendFailures { get; internal set; }

    public long MessagesReceived { get; internal set; }

    public long EntriesCreated { get; internal set; }

    public long EntriesUpdated { get; internal set; }

    public long MessageProblem(SyncMessageProblem problem) => _messageProblems[(int)problem];

    public long EntrySkip(SyncEntryProblem problem) => _entrySkips[(int)problem];

    public long ApplyProblem(SyncApplyProblem problem) => _applyProblems[(int)problem];

    internal void Count(SyncMessageProblem problem) => _messageProblems[(int)problem]++;

    internal void Count(SyncEntryProblem problem) => _entrySkips[(int)problem]++;

    internal void Count(SyncApplyProblem problem) => _applyProblems[(int)problem]++;

    /// <summary>One line per non-zero count, "sync-NAME VALUE", for the director's counters report.</summary>
    public IEnumerable<(string Name, long Value)> NonZero()
    {
        (string, long)[] totals =
        [
            ("sync-messages-sent", MessagesSent), ("sync-entries-sent", EntriesSent), ("sync-send-failures", SendFailures),
            ("sync-messages-received", MessagesReceived),
            ("sync-entries-created", EntriesCreated), ("sync-entries-updated", EntriesUpdated),
        ];
        foreach (var total in totals.Where(t => t.Item2 != 0))
        {
            yield return total;
        }
        foreach (var problem in Enum.GetValues<SyncMessageProblem>().Where(p => p != SyncMessageProblem.None && MessageProblem(p) != 0))
        {
            yield return ($"sync-message-dropped-{problem}", MessageProblem(problem));
        }
        foreach (var skip in Enum.GetValues<SyncEntryProblem>().Where(p => p != SyncEntryProblem.None && EntrySkip(p) != 0))
        {
            yield return ($"sync-entry-skipped-{skip}", EntrySkip(skip));
        }
        foreach (var problem in Enum.GetValues<SyncApplyProblem>().Where(p => ApplyProblem(p) != 0))
        {
            yield return ($"sync-entry-not-taken-{problem}", ApplyProblem(problem));
        }
    }
}
