using Forwarder.Core.Frames;
namespace Forwarder.Core.Scheduling;

/// <summary>
/// The target-address table of lblc and lblcr (<c>ip_vs_lblc.c</c>, <c>ip_vs_lblcr.c</c>): 1024 buckets
/// keyed by the kernel's hash_32 of the target address (its top 10 bits), new entries at the head of their bucket, and
/// the kernel's garbage collection.
/// <para>
/// The kernel runs a timer every 60 s. Each tick either does a full check (every 30th tick counted while
/// the table is not over its 16384-entry limit): walk all buckets and drop entries unused for the
/// expiration time (24 h); or, when the table is over the limit, walk buckets from the rover dropping
/// entries unused for 6 minutes until (entries - limit) * 4 / 3 are gone (at most half the limit); or
/// just counts the tick. We have no timers on the engine thread, so the ticks are replayed lazily: each
/// schedule call first runs every tick due at or before its <c>FlowInfo.Now</c>, each with its own tick
/// time as "now", exactly as the timer would have run them. The binding call has no clock, so the
/// first tick is armed 60 s after the first flow the scheduler sees rather than 60 s after binding.
/// </para>
/// </summary>
internal sealed class LocalityTable<TEntry>
    where TEntry : LocalityEntry<TEntry>
{
    public const int BucketBits = 10;
    public const int BucketCount = 1 << BucketBits;
    public const int MaxEntries = BucketCount * 16;
    public const long CheckInterval = 60L * 1_000_000;
    public const long EntryTimeout = 6L * 60 * 1_000_000;
    public const long DefaultExpiration = 24L * 60 * 60 * 1_000_000;
    private const int BucketMask = BucketCount - 1;
    private const int TicksPerFullCheck = 30;

    private readonly TEntry?[] _buckets = new TEntry?[BucketCount];
    private int _rover;
    private int _tickCounter = 1;
    private bool _timerArmed;
    private long _nextTick;

    /// <summary>The sysctl lblc_expiration / lblcr_expiration, in microseconds.</summary>
    public long Expiration { get; init; } = DefaultExpiration;

    public int Count { get; private set; }

    public static int BucketOf(uint address) => MultiplicativeHash.Fold(address, BucketBits);

    public TEntry? Find(InetAddress address)
    {
        for (var entry = _buckets[BucketOf(address.Fold())]; entry is not null; entry = entry.Next)
        {
            if (entry.Address == address)
            {
                return entry;
            }
        }
        return null;
    }

    public void Insert(TEntry entry)
    {
        var bucket = BucketOf(entry.Address.Fold());
        entry.Next = _buckets[bucket];
        _buckets[bucket] = entry;
        Count++;
    }

    /// <summary>Runs every timer tick due at or before <paramref name="now"/>.</summary>
    public void RunDueTicks(long now)
    {
        if (!_timerArmed)
        {
            _timerArmed = true;
            _nextTick = now + CheckInterval;
            return;
        }
        while (_nextTick <= now)
        {
            if (_tickCounter % TicksPerFullCheck == 0)
            {
                Sweep(_nextTick, Expiration, int.MaxValue);
                _tickCounter = 1;
                _nextTick += CheckInterval;
                continue;
            }
            if (Count <= MaxEntries)
            {
                // Ticks that only count change nothing else, and nothing is added between schedule
                // calls, so skip straight to the next full check or to now, whichever is first.
                var ticksDue = (now - _nextTick) / CheckInterval + 1;
                var ticksToFullCheck = TicksPerFullCheck - _tickCounter % TicksPerFullCheck;
                var ticks = Math.Min(ticksDue, ticksToFullCheck);
                _tickCounter += (int)ticks;
                _nextTick += ticks * CheckInterval;
                continue;
            }
            var goal = (Count - MaxEntries) * 4 / 3;
            Sweep(_nextTick, EntryTimeout, Math.Min(goal, MaxEntries / 2));
            _nextTick += CheckInterval;
        }
    }

    /// <summary>
    /// Walks the buckets after the rover, dropping entries idle for at least <paramref name="idleLimit"/>,
    /// and stops after the bucket where the goal is met (a full check has no goal); the rover stays there.
    /// </summary>
    private void Sweep(long now, long idleLimit, int goal)
    {
        var bucket = _rover;
        for (var walked = 0; walked < BucketCount; walked++)
        {
            bucket = (bucket + 1) & BucketMask;
            TEntry? previous = null;
            var entry = _buckets[bucket];
            while (entry is not null)
            {
                var next = entry.Next;
                if (now - entry.LastUse >= idleLimit)
                {
                    if (previous is null)
                    {
                        _buckets[bucket] = next;
                    }
                    else
                    {
                        previous.Next = next;
                    }
                    entry.Next = null;
                    Count--;
                    goal--;
                }
                else
                {
                    previous = entry;
                }
                entry = next;
            }
            if (goal <= 0)
            {
                break;
            }
        }
        _rover = bucket;
    }
}
