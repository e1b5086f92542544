using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Tests.Execution;

namespace Forwarder.Ipvsadm.Tests.Control;

/// <summary>Commands from concurrent clients run one at a time on the engine's thread, between its frames.</summary>
public sealed class EngineCommandQueueTests
{
    [Test]
    public async Task TwoClients_FiftyCommandsEach_AllApplied_OnTheEngineThread_TableConsistent()
    {
        var directory = Directory.CreateTempSubdirectory("forwarder-control-").FullName;
        var socketPath = Path.Combine(directory, "forwarder.sock");
        var rig = new ExecutorRig();
        var queue = new EngineCommandQueue();
        using var stopEngine = new CancellationTokenSource();
        var commandThreads = new System.Collections.Concurrent.ConcurrentBag<int>();
        var engineThreadId = 0;
        var framesBetweenCommands = 0;

        // The engine: a loop that "processes a frame" (reads the table, which must be whole) and drains the queue.
        var engine = new Thread(() =>
        {
            engineThreadId = Environment.CurrentManagedThreadId;
            while (!stopEngine.IsCancellationRequested)
            {
                foreach (var service in rig.Services.Services)
                {
                    _ = service.Destinations.Count;
                }
                framesBetweenCommands++;
                queue.RunPending(invocation =>
                {
                    commandThreads.Add(Environment.CurrentManagedThreadId);
                    return rig.Executor.Execute(invocation);
                });
                Thread.Sleep(0);
            }
        });
        engine.Start();
        try
        {
            using var server = new ControlServer(socketPath, queue.SubmitAsync);
            server.Start();
            rig.Do("-A -t 10.0.0.1:80 -s wrr");

            async Task<List<IpvsadmResult>> ClientAsync(int client)
            {
                var connection = new ControlClient(socketPath);
                var results = new List<IpvsadmResult>();
                for (var i = 0; i < 50; i++)
                {
                    results.Add(await connection.SendAsync(new IpvsadmInvocation(
                        ["-a", "-t", "10.0.0.1:80", "-r", $"10.0.{client}.{i + 1}:8080", "-m", "-w", $"{i + 1}"])));
                }
                return results;
            }

            var all = await Task.WhenAll(Task.Run(() => ClientAsync(1)), Task.Run(() => ClientAsync(2)));

            Assert.That(all.SelectMany(r => r), Has.All.EqualTo(new IpvsadmResult(0, "", "")));
            Assert.That(commandThreads, Has.Count.EqualTo(100));
            Assert.That(commandThreads, Has.All.EqualTo(engineThreadId));
            var saved = (await new ControlClient(socketPath).SendAsync(new IpvsadmInvocation(["-Sn"]))).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(saved, Has.Length.EqualTo(101));
            Assert.That(saved.Skip(1), Is.Unique);
            for (var client = 1; client <= 2; client++)
            {
                for (var i = 1; i <= 50; i++)
                {
                    Assert.That(saved, Does.Contain($"-a -t 10.0.0.1:80 -r 10.0.{client}.{i}:8080 -m -w {i}"));
                }
            }
        }
        finally
        {
            stopEngine.Cancel();
            engine.Join();
            Directory.Delete(directory, recursive: true);
        }
        Assert.That(framesBetweenCommands, Is.GreaterThan(0));
    }

    [Test]
    public void RunPending_RunsOnlyWhatWasQueuedWhenCalled()
    {
        var queue = new EngineCommandQueue();
        var first = queue.SubmitAsync(new IpvsadmInvocation(["-v"]), CancellationToken.None);
        Task<IpvsadmResult>? late = null;

        var ran = queue.RunPending(invocation =>
        {
            late ??= queue.SubmitAsync(new IpvsadmInvocation(["-h"]), CancellationToken.None);
            return new IpvsadmResult(0, "ran", "");
        });

        Assert.That(ran, Is.EqualTo(1));
        Assert.That(first.Result.StandardOutput, Is.EqualTo("ran"));
        Assert.That(late!.IsCompleted, Is.False);
        Assert.That(queue.HasPending, Is.True);
    }

    [Test]
    public void Close_AnswersQueuedAndLaterCommandsWithShuttingDown()
    {
        var queue = new EngineCommandQueue();
        var queued = queue.SubmitAsync(new IpvsadmInvocation(["-Ln"]), CancellationToken.None);

        queue.Close();
        var later = queue.SubmitAsync(new IpvsadmInvocation(["-Ln"]), CancellationToken.None);

        Assert.That(queued.Result, Is.EqualTo(EngineCommandQueue.ShuttingDown));
        Assert.That(later.Result, Is.EqualTo(EngineCommandQueue.ShuttingDown));
        Assert.That(later.Result.ExitCode, Is.EqualTo(2));
    }

    [Test]
    public void ExecutorFailure_BecomesAnAnswer_NotAnEngineCrash()
    {
        var queue = new EngineCommandQueue();
        var submitted = queue.SubmitAsync(new IpvsadmInvocation(["-Ln"]), CancellationToken.None);

        queue.RunPending(_ => throw new InvalidOperationException("boom"));

        Assert.That(submitted.Result.ExitCode, Is.EqualTo(2));
        Assert.That(submitted.Result.StandardError, Does.Contain("boom"));
    }

    [Test]
    public void Submit_WakesTheEngine()
    {
        var wakes = 0;
        var queue = new EngineCommandQueue(() => Interlocked.Increment(ref wakes));

        _ = queue.SubmitAsync(new IpvsadmInvocation(["-Ln"]), CancellationToken.None);

        Assert.That(wakes, Is.EqualTo(1));
    }
}
