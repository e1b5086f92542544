using System.Diagnostics;
using System.Globalization;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Listing;
using Forwarder.Ipvsadm.Naming;

namespace Forwarder.Benchmarks;

/// <summary>
/// The longest pause in forwarding while a 110,000-line -R runs, in process: one thread plays the live director's
/// engine thread (a frame through the engine, then the queued commands, over and over), another submits the restore
/// as the control server does. Reports the longest gap between two frames, the garbage collector's pauses meanwhile,
/// and the restore's wall time. <c>dotnet run -c Release --project tests/Forwarder.Benchmarks -- restore-pause [runs]</c>
/// </summary>
internal static class RestorePauseHarness
{
    public static int Run(int runs)
    {
        var input = RestoreBenchmarks.SavedTable();
        using var listener = new GcPauseListener();
        for (var run = 0; run < runs; run++)
        {
            var lab = EngineLab.Create();
            var clients = EngineLab.ShuffledClients(seed: 1);
            var syns = clients.Select(c => lab.ClientFrame(c, syn: true, ack: false, payloadBytes: 0)).ToArray();
            lab.ProcessAll(syns, lab.PublicIndex);
            var frames = clients.Select(c => lab.ClientFrame(c, syn: false, ack: true, payloadBytes: EngineLab.PayloadBytes)).ToArray();
            var executor = new IpvsadmExecutor(new DirectorState(lab.Services, lab.Connections, () => lab.Now),
                new ServicesFileNameResolver(null), new IpvsadmParser(ServiceNames.BuiltIn, HostNames.None));
            var queue = new EngineCommandQueue();
            queue.PrepareRestoresWith(executor);

            GC.Collect();
            Thread.Sleep(100);
            lock (listener.Pauses) { listener.Pauses.Clear(); }
            var pausedBefore = GC.GetTotalPauseDuration();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var collectionsBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            Task<IpvsadmResult>? restore = null;
            var started = Stopwatch.GetTimestamp();
            long longestGap = 0;
            var last = Stopwatch.GetTimestamp();
            var index = 0;
            var warmUntil = last + (Stopwatch.Frequency / 2);
            while (restore is null || !restore.IsCompleted)
            {
                lab.Now += EngineLab.MicrosecondsPerFrame;
                lab.Engine.Process(frames[index], lab.PublicIndex, lab.Now, lab.Output);
                index = (index + 1) % frames.Length;
                lab.Output.Clear();
                if (queue.HasPending)
                {
                    queue.RunPending(executor.Execute);
                }
                var now = Stopwatch.GetTimestamp();
                if (restore is not null)
                {
                    longestGap = Math.Max(longestGap, now - last);
                }
                else if (now > warmUntil)
                {
                    started = now;
                    restore = Task.Run(() => queue.SubmitAsync(new IpvsadmInvocation(["-R"], input), CancellationToken.None));
                }
                last = now;
            }
            var elapsed = Stopwatch.GetTimestamp() - started;
            if (restore.Result.ExitCode != 0 || lab.Services.Count != RestoreBenchmarks.Services + 1)
            {
                Console.Error.WriteLine($"restore failed: {restore.Result.StandardError} ({lab.Services.Count} services)");
                return 1;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run + 1}: longest gap {longestGap * 1000.0 / Stopwatch.Frequency:0.00} ms, restore {elapsed * 1000.0 / Stopwatch.Frequency:0} ms, " +
                $"GC pauses {(GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds:0.0} ms in " +
                $"{GC.CollectionCount(0) - collectionsBefore.Item1}/{GC.CollectionCount(1) - collectionsBefore.Item2}/{GC.CollectionCount(2) - collectionsBefore.Item3} (gen0/1/2), {(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1e6:0} MB allocated, heap {GC.GetTotalMemory(false) / 1e6:0} MB"));
            lock (listener.Pauses)
            {
                Console.WriteLine("  pauses: " + string.Join(", ", listener.Pauses.OrderByDescending(p => p.Milliseconds).Take(6).Select(p => string.Create(CultureInfo.InvariantCulture, $"gen{p.Generation} {p.Type} {p.Reason} {p.Milliseconds:0.0}ms"))));
            }
        }
        return 0;
    }
}
