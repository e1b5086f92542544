using System.Diagnostics;
using System.Globalization;

namespace Forwarder.Benchmarks;

/// <summary>
/// The same cases in a plain Stopwatch loop, for a quick number or to run under a profiler
/// (perf, DOTNET_ knobs) without BenchmarkDotNet's child processes. Reports frames/s and bytes allocated per frame.
/// </summary>
internal static class LoopHarness
{
    public static int Run(double secondsPerCase, string filter)
    {
        var cases = new (string Name, int Frames, Action<EngineBenchmarks, EngineScaleBenchmarks> Setup, Func<EngineBenchmarks, EngineScaleBenchmarks, int> Body, Action<EngineBenchmarks, EngineScaleBenchmarks>? BeforeEach)[]
        {
            ("NewFlows", EngineLab.Flows, (b, _) => b.SetupNewFlows(), (b, _) => b.NewFlows(), (b, _) => b.ResetTable()),
            ("EstablishedClientToServer", EngineLab.Flows, (b, _) => b.SetupEstablished(), (b, _) => b.EstablishedClientToServer(), null),
            ("EstablishedServerToClient", EngineLab.Flows, (b, _) => b.SetupEstablished(), (b, _) => b.EstablishedServerToClient(), null),
            ("Ipv6NewFlows", EngineLab.Flows, (b, _) => b.SetupIpv6NewFlows(), (b, _) => b.Ipv6NewFlows(), (b, _) => b.ResetTable()),
            ("Ipv6EstablishedClientToServer", EngineLab.Flows, (b, _) => b.SetupIpv6Established(), (b, _) => b.Ipv6EstablishedClientToServer(), null),
            ("Ipv6EstablishedServerToClient", EngineLab.Flows, (b, _) => b.SetupIpv6Established(), (b, _) => b.Ipv6EstablishedServerToClient(), null),
            ("MillionFlowsClientToServer", EngineScaleBenchmarks.MillionFlows, (_, s) => s.SetupMillionFlows(), (_, s) => s.MillionFlowsClientToServer(), null),
            ("TenThousandServicesNewFlows", EngineScaleBenchmarks.Services, (_, s) => s.SetupServicesNewFlows(), (_, s) => s.TenThousandServicesNewFlows(), (_, s) => s.ResetServicesTable()),
            ("TenThousandServicesClientToServer", EngineScaleBenchmarks.Services, (_, s) => s.SetupServicesEstablished(), (_, s) => s.TenThousandServicesClientToServer(), null),
        };
        var failed = false;
        foreach (var (name, caseFrames, setup, body, beforeEach) in cases)
        {
            if (!Matches(name, filter))
            {
                continue;
            }
            var benchmark = new EngineBenchmarks();
            var scale = new EngineScaleBenchmarks();
            setup(benchmark, scale);
            // Warm up past tiered compilation.
            var warmUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
            while (Stopwatch.GetTimestamp() < warmUntil)
            {
                beforeEach?.Invoke(benchmark, scale);
                body(benchmark, scale);
            }
            long frames = 0;
            long forwarded = 0;
            long ticks = 0;
            long allocated = 0;
            long cpuNanoseconds = 0;
            var budget = (long)(secondsPerCase * Stopwatch.Frequency);
            while (ticks < budget)
            {
                beforeEach?.Invoke(benchmark, scale);
                var cpuBefore = ThreadCpuNanoseconds();
                var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                var start = Stopwatch.GetTimestamp();
                forwarded += body(benchmark, scale);
                ticks += Stopwatch.GetTimestamp() - start;
                allocated += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
                cpuNanoseconds += ThreadCpuNanoseconds() - cpuBefore;
                frames += caseFrames;
            }
            // CPU time too: on a shared two-core machine the wall clock also counts time the thread was not running.
            var cpuSeconds = cpuNanoseconds / 1e9;
            var seconds = (double)ticks / Stopwatch.Frequency;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-34} wall {frames / seconds / 1e6,6:0.00} M/s {seconds * 1e9 / frames,6:0.0} ns  cpu {frames / cpuSeconds / 1e6,6:0.00} M/s {cpuSeconds * 1e9 / frames,6:0.0} ns  {(double)allocated / frames,5:0.###} B/frame  forwarded {forwarded}/{frames}"));
            failed |= forwarded != frames;
        }
        return failed ? 1 : 0;
    }

    /// <summary>A case is run when its name contains the filter, or equals it when the filter ends in '$'.</summary>
    private static bool Matches(string name, string filter) =>
        filter.EndsWith('$')
            ? name.Equals(filter[..^1], StringComparison.OrdinalIgnoreCase)
            : name.Contains(filter, StringComparison.OrdinalIgnoreCase);

    /// <summary>This thread's time on a CPU (Linux schedstat, ns); 0 where there is none, and then the cpu figures are meaningless.</summary>
    private static long ThreadCpuNanoseconds()
    {
        try
        {
            var text = File.ReadAllText("/proc/thread-self/schedstat");
            return long.Parse(text.AsSpan(0, text.IndexOf(' ', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
