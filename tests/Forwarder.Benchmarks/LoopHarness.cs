using System.Diagnostics;
using System.Globalization;
using Forwarder.Core.Engine;

namespace Forwarder.Benchmarks;

/// <summary>
/// The same three cases in a plain Stopwatch loop, for a quick number or to run under a profiler
/// (perf, DOTNET_ knobs) without BenchmarkDotNet's child processes. Reports frames/s and bytes allocated per frame.
/// </summary>
internal static class LoopHarness
{
    public static int Run(double secondsPerCase)
    {
        var cases = new (string Name, Action<EngineBenchmarks> Setup, Func<EngineBenchmarks, int> Body, Action<EngineBenchmarks>? BeforeEach)[]
        {
            ("NewFlows", b => b.SetupNewFlows(), b => b.NewFlows(), b => b.ResetTable()),
            ("EstablishedClientToServer", b => b.SetupEstablished(), b => b.EstablishedClientToServer(), null),
            ("EstablishedServerToClient", b => b.SetupEstablished(), b => b.EstablishedServerToClient(), null),
        };
        var failed = false;
        foreach (var (name, setup, body, beforeEach) in cases)
        {
            var benchmark = new EngineBenchmarks();
            setup(benchmark);
            // Warm up past tiered compilation.
            var warmUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
            while (Stopwatch.GetTimestamp() < warmUntil)
            {
                beforeEach?.Invoke(benchmark);
                body(benchmark);
            }
            long frames = 0;
            long forwarded = 0;
            long ticks = 0;
            long allocated = 0;
            var budget = (long)(secondsPerCase * Stopwatch.Frequency);
            while (ticks < budget)
            {
                beforeEach?.Invoke(benchmark);
                var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                var start = Stopwatch.GetTimestamp();
                forwarded += body(benchmark);
                ticks += Stopwatch.GetTimestamp() - start;
                allocated += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
                frames += EngineLab.Flows;
            }
            var seconds = (double)ticks / Stopwatch.Frequency;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-28} {frames / seconds / 1e6,7:0.00} M frames/s  {seconds * 1e9 / frames,7:0.0} ns/frame  {(double)allocated / frames,6:0.###} B/frame  forwarded {forwarded}/{frames}"));
            failed |= forwarded != frames;
        }
        return failed ? 1 : 0;
    }
}
