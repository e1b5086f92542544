namespace Forwarder.Conformance.Scenarios;

/// <summary>A named sequence of steps, run from a fresh table on both sides.</summary>
public sealed record Scenario(string Name, string Description, IReadOnlyList<ScenarioStep> Steps)
{
    /// <summary>A step's share of the clock: about what one takes in the guest.</summary>
    public const long StepMicroseconds = 1_000;

    /// <summary>When each step happens, in µs from the scenario's start: a millisecond a step, plus any sleep.</summary>
    public IReadOnlyList<long> StepTimes()
    {
        var times = new long[Steps.Count];
        long now = 0;
        for (var k = 0; k < Steps.Count; k++)
        {
            now += StepMicroseconds + (Steps[k] is SleepStep sleep ? (long)(sleep.Seconds * 1_000_000m) : 0);
            times[k] = now;
        }
        return times;
    }

    public override string ToString() => Name;
}
