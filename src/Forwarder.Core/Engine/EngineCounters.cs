using System.Runtime.CompilerServices;
using Forwarder.Core.Frames;

namespace Forwarder.Core.Engine;

/// <summary>One counter per <see cref="FrameOutcome"/>, plus frames seen and sent.</summary>
public sealed class EngineCounters
{
    private readonly long[] _outcomes = new long[Enum.GetValues<FrameOutcome>().Length];

    public long FramesIn { get; private set; }

    public long FramesOut { get; internal set; }

    public long this[FrameOutcome outcome] => _outcomes[(int)outcome];

    public long Dropped
    {
        get
        {
            long total = 0;
            for (var i = (int)FrameOutcome.DroppedMalformed; i < _outcomes.Length; i++)
            {
                total += _outcomes[i];
            }
            return total;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal FrameOutcome Count(FrameOutcome outcome)
    {
        FramesIn++;
        _outcomes[(int)outcome]++;
        return outcome;
    }

    public IEnumerable<(FrameOutcome Outcome, long Count)> NonZero() =>
        Enum.GetValues<FrameOutcome>().Where(o => _outcomes[(int)o] != 0).Select(o => (o, _outcomes[(int)o]));
}
