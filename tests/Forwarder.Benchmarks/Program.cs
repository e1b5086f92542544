using BenchmarkDotNet.Running;

namespace Forwarder.Benchmarks;

/// <summary>
/// dotnet run -c Release --project tests/Forwarder.Benchmarks -- --filter '*' [--job short]
/// dotnet run -c Release --project tests/Forwarder.Benchmarks -- loop [seconds] [case]   (a Stopwatch loop, for profiling; "case$" for that case alone)
/// dotnet run -c Release --project tests/Forwarder.Benchmarks -- memory | flood           (bytes per connection; a SYN flood)
/// dotnet run -c Release --project tests/Forwarder.Benchmarks -- restore-pause [runs]     (the longest forwarding gap during a 110,000-line -R)
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "memory")
        {
            return MemoryAndFloodHarness.Memory();
        }
        if (args.Length > 0 && args[0] == "flood")
        {
            return MemoryAndFloodHarness.Flood();
        }
        if (args.Length > 0 && args[0] == "restore-pause")
        {
            return RestorePauseHarness.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5);
        }
        if (args.Length > 0 && args[0] == "loop")
        {
            return LoopHarness.Run(
                args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3.0,
                args.Length > 2 ? args[2] : string.Empty);
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
