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

    [Test]
    public void Restore_IsParsedAndTriedOnTheSubmittingThread_TheEngineOnlyCopiesAndCommits()
    {
        var rig = new ExecutorRig();
        rig.Do("-A -t 10.0.0.1:80 -s rr");
        var queue = new EngineCommandQueue();
        queue.PrepareRestoresWith(rig.Executor);
        var input = RestoreOf(services: 500, serversEach: 10);
        var engineExecuted = new List<IpvsadmInvocation>();

        var submitted = queue.SubmitAsync(new IpvsadmInvocation(["-R"], input), CancellationToken.None);
        var (result, engineSteps) = RunEngineUntil(queue, submitted, invocation =>
        {
            engineExecuted.Add(invocation);
            return rig.Executor.Execute(invocation);
        });

        Assert.That(result, Is.EqualTo(new IpvsadmResult(0, "", "")));
        // The engine never saw the input to parse: it ran a copy of the services named (none of the 500 existed)
        // and the commit of the tried table, two steps, whatever the size of the input.
        Assert.That(engineExecuted, Is.Empty);
        Assert.That(engineSteps, Is.EqualTo(2));
        Assert.That(rig.Services.Count, Is.EqualTo(501));
        Assert.That(rig.Services.Services.Sum(s => s.Destinations.Count), Is.EqualTo(5000));
    }

    [Test]
    public void Restore_RefusedInTheTrial_IsAnsweredWithoutTheEngineCommittingAnything()
    {
        var rig = new ExecutorRig();
        var queue = new EngineCommandQueue();
        queue.PrepareRestoresWith(rig.Executor);

        var submitted = queue.SubmitAsync(new IpvsadmInvocation(["-R"], "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.2:80 -r 10.0.1.1 -m\n"), CancellationToken.None);
        var (result, engineSteps) = RunEngineUntil(queue, submitted, rig.Executor.Execute);

        Assert.That(result, Is.EqualTo(IpvsadmResult.Failure(255, "Service not defined\nipvsadm: restore input line 2 refused; nothing was restored\n")));
        Assert.That(engineSteps, Is.EqualTo(1), "only the copy of what the lines name");
        Assert.That(rig.Services.Count, Is.Zero);
    }

    [Test]
    public void EditBetweenTheTrialAndTheCommit_IsKept_AndTheRestoreIsTriedAgain()
    {
        var rig = new ExecutorRig();
        var queue = new EngineCommandQueue();
        queue.PrepareRestoresWith(rig.Executor);

        var submitted = queue.SubmitAsync(new IpvsadmInvocation(["-R"], "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.1 -m\n"), CancellationToken.None);
        Assert.That(queue.RunPending(rig.Executor.Execute), Is.EqualTo(1), "the trial's copy");
        // Another client's command, run by the engine while the restore is tried off its thread.
        rig.Do("-A -t 10.0.0.2:80 -s wrr");
        var (result, _) = RunEngineUntil(queue, submitted, rig.Executor.Execute);

        Assert.That(result, Is.EqualTo(new IpvsadmResult(0, "", "")));
        Assert.That(rig.Run("-Sn").StandardOutput, Is.EqualTo(
            "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 1\n-A -t 10.0.0.2:80 -s wrr\n"));
    }

    [Test]
    public void ConflictingEditBetweenTheTrialAndTheCommit_IsKept_AndRefusesTheRestoreAsIpvsadmWould()
    {
        var rig = new ExecutorRig();
        var queue = new EngineCommandQueue();
        queue.PrepareRestoresWith(rig.Executor);

        var submitted = queue.SubmitAsync(new IpvsadmInvocation(["-R"], "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.1 -m\n"), CancellationToken.None);
        Assert.That(queue.RunPending(rig.Executor.Execute), Is.EqualTo(1), "the trial's copy");
        rig.Do("-A -t 10.0.0.1:80 -s wrr");
        var (result, _) = RunEngineUntil(queue, submitted, rig.Executor.Execute);

        Assert.That(result, Is.EqualTo(IpvsadmResult.Failure(255, "Service already exists\nipvsadm: restore input line 1 refused; nothing was restored\n")));
        Assert.That(rig.Run("-Sn").StandardOutput, Is.EqualTo("-A -t 10.0.0.1:80 -s wrr\n"));
    }

    [Test]
    public void Restore_AfterClose_IsShuttingDown()
    {
        var rig = new ExecutorRig();
        var queue = new EngineCommandQueue();
        queue.PrepareRestoresWith(rig.Executor);

        var submitted = queue.SubmitAsync(new IpvsadmInvocation(["-R"], "-A -t 10.0.0.1:80 -s rr\n"), CancellationToken.None);
        queue.Close();

        Assert.That(submitted.Wait(TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(submitted.Result, Is.EqualTo(EngineCommandQueue.ShuttingDown));
        Assert.That(rig.Services.Count, Is.Zero);
    }

    /// <summary>A saved table: services 10.1.x.y:80 with servers 10.2.x.y:8080 and up.</summary>
    internal static string RestoreOf(int services, int serversEach)
    {
        var text = new System.Text.StringBuilder();
        for (var s = 0; s < services; s++)
        {
            var service = $"10.1.{s / 250}.{(s % 250) + 1}:80";
            text.Append($"-A -t {service} -s wlc\n");
            for (var d = 0; d < serversEach; d++)
            {
                text.Append($"-a -t {service} -r 10.2.{s / 250}.{(s % 250) + 1}:{8080 + d} -m -w 1\n");
            }
        }
        return text.ToString();
    }

    /// <summary>Plays the engine's thread until the submission is answered (30 s at most): the result, and how many queued steps ran.</summary>
    private static (IpvsadmResult Result, int Steps) RunEngineUntil(EngineCommandQueue queue, Task<IpvsadmResult> submitted, Func<IpvsadmInvocation, IpvsadmResult> execute)
    {
        var steps = 0;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!submitted.IsCompleted && DateTime.UtcNow < deadline)
        {
            steps += queue.RunPending(execute);
            Thread.Sleep(1);
        }
        Assert.That(submitted.IsCompleted, Is.True, "the restore was answered");
        return (submitted.Result, steps);
    }
}
