namespace Forwarder.Core.Tests.Support;

/// <summary>
/// What a pass of the hot path allocates once the runtime has settled. The first passes may allocate for the runtime
/// itself (tiering a loop up by on-stack replacement, installing a rejitted method), and under load that can come a pass
/// or two late; an allocation of the code under test shows in every pass, so the least of a few passes is the measure.
/// </summary>
public static class SteadyAllocation
{
    private const int Passes = 5;

    public static long BytesPerPass(Action pass)
    {
        pass();
        var least = long.MaxValue;
        for (var i = 0; i < Passes && least > 0; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            pass();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
