using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using Forwarder.Core.Connections;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Listing;
using Forwarder.Ipvsadm.Naming;

namespace Forwarder.Benchmarks;

/// <summary>
/// ipvsadm -R of a 110,000-line input (10,000 services × 10 servers, as ipvsadm -S writes them), into an empty
/// table and, after a -C, over a table that already holds the same 110,000 rules.
/// <see cref="ParseTryCommit"/> is the whole restore on one thread (lines/s = 110,000 / time); the engine-step
/// benchmarks time only what the engine's thread does, between two frames, when the queue prepares the restore
/// on the client's thread: the copy of what the input names, then the commit. Each iteration is one restore.
/// dotnet run -c Release --project tests/Forwarder.Benchmarks -- --filter '*RestoreBenchmarks*'
/// </summary>
[Config(typeof(RestoreConfig))]
[MemoryDiagnoser]
public class RestoreBenchmarks
{
    public const int Services = 10_000;
    public const int ServersEach = 10;

    private string _input = string.Empty;
    private IpvsadmExecutor _executor = null!;
    private ServiceTable _table = null!;
    private EngineCommandQueue _queue = null!;
    private Task<IpvsadmResult> _restore = null!;

    /// <summary>Whether the input starts with -C and the table holds the same rules already (a reload), or the table is empty.</summary>
    [Params(false, true)]
    public bool Reload { get; set; }

    [GlobalSetup]
    public void WriteTheInput() => _input = (Reload ? "-C\n" : string.Empty) + SavedTable();

    [IterationSetup(Target = nameof(ParseTryCommit))]
    public void NewTable() => _executor = NewExecutor();

    [Benchmark]
    public IpvsadmResult ParseTryCommit() => Checked(_executor.Execute(["-R"], _input));

    [IterationSetup(Target = nameof(EngineCopyStep))]
    public void SubmitTheRestore()
    {
        _executor = NewExecutor();
        _queue = new EngineCommandQueue();
        _queue.PrepareRestoresWith(_executor);
        // Parsed on this thread before SubmitAsync returns; the copy of the named services is queued for the engine.
        _restore = _queue.SubmitAsync(new IpvsadmInvocation(["-R"], _input), CancellationToken.None);
    }

    /// <summary>The engine's first step: copies of the live services the input names before any -C.</summary>
    [Benchmark]
    public int EngineCopyStep() => _queue.RunPending(_executor.Execute);

    [IterationCleanup(Target = nameof(EngineCopyStep))]
    public void FinishTheRestore() => Drain();

    [IterationSetup(Target = nameof(EngineCommitStep))]
    public void TryTheRestore()
    {
        SubmitTheRestore();
        _queue.RunPending(_executor.Execute);
        // The trial runs on a pool thread; its commit step arrives in the queue when it is done.
        SpinWait.SpinUntil(() => _queue.HasPending || _restore.IsCompleted, TimeSpan.FromMinutes(2));
    }

    /// <summary>The engine's second step, the swap: one insertion per new service (and the -C, when there is one).</summary>
    [Benchmark]
    public int EngineCommitStep() => _queue.RunPending(_executor.Execute);

    [IterationCleanup(Target = nameof(EngineCommitStep))]
    public void CheckTheRestore() => Drain();

    private void Drain()
    {
        while (!_restore.IsCompleted)
        {
            _queue.RunPending(_executor.Execute);
            Thread.Yield();
        }
        Checked(_restore.Result);
        if (_table.Count != Services)
        {
            throw new InvalidOperationException($"{_table.Count} services after the restore");
        }
    }

    private IpvsadmExecutor NewExecutor()
    {
        var timeouts = new ConnectionTimeouts();
        _table = new ServiceTable(SchedulerRegistry.Create);
        var executor = new IpvsadmExecutor(new DirectorState(_table, new ConnectionTable(timeouts), () => 0),
            new ServicesFileNameResolver(null), new IpvsadmParser(ServiceNames.BuiltIn, HostNames.None));
        if (Reload)
        {
            Checked(executor.Execute(["-R"], SavedTable()));
        }
        return executor;
    }

    private static IpvsadmResult Checked(IpvsadmResult result) =>
        result.ExitCode == 0 ? result : throw new InvalidOperationException(result.StandardError);

    /// <summary>-S's lines for services 10.1.x.y:80 (wlc) with ten masqueraded servers each.</summary>
    public static string SavedTable()
    {
        var text = new StringBuilder();
        for (var s = 0; s < Services; s++)
        {
            var service = $"10.1.{s / 250}.{(s % 250) + 1}:80";
            text.Append("-A -t ").Append(service).Append(" -s wlc\n");
            for (var d = 0; d < ServersEach; d++)
            {
                text.Append("-a -t ").Append(service).Append(" -r 10.2.").Append(s / 250).Append('.').Append((s % 250) + 1)
                    .Append(':').Append(8080 + d).Append(" -m -w 1\n");
            }
        }
        return text.ToString();
    }

    /// <summary>One restore per iteration, timed whole: the setups are far longer than the steps they prepare.</summary>
    private sealed class RestoreConfig : ManualConfig
    {
        public RestoreConfig()
        {
            AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithWarmupCount(2).WithIterationCount(15).WithInvocationCount(1).WithUnrollFactor(1));
        }
    }
}
