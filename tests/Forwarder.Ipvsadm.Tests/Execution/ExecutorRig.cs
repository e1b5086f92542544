using Forwarder.Core.Connections;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Listing;
using Forwarder.Ipvsadm.Naming;

namespace Forwarder.Ipvsadm.Tests.Execution;

/// <summary>
/// A director's state with an executor over it, named as the seed guide's machine would name things: the
/// built-in port names (80 is http), no host names. The clock is engine µs and moves only when told.
/// </summary>
internal sealed class ExecutorRig
{
    public const long Second = 1_000_000;

    public ExecutorRig()
    {
        Timeouts = new ConnectionTimeouts();
        Services = new ServiceTable(SchedulerRegistry.Create);
        Connections = new ConnectionTable(Timeouts);
        State = new DirectorState(Services, Connections, () => Now, Rates);
        Executor = new IpvsadmExecutor(State, new ServicesFileNameResolver(null), new IpvsadmParser(ServiceNames.BuiltIn, HostNames.None));
    }

    public long Now { get; set; } = 1_000 * Second;

    public ConnectionTimeouts Timeouts { get; }

    public ServiceTable Services { get; }

    public ConnectionTable Connections { get; }

    public ServiceRateEstimators Rates { get; } = new();

    public DirectorState State { get; }

    public IpvsadmExecutor Executor { get; }

    /// <summary>Runs one command line written as in a shell ("-A -t 192.168.1.113:80 -s rr").</summary>
    public IpvsadmResult Run(string commandLine, string standardInput = "") =>
        Executor.Execute(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries), standardInput);

    /// <summary>Runs a command that must succeed silently.</summary>
    public void Do(string commandLine)
    {
        var result = Run(commandLine);
        Assert.That(result, Is.EqualTo(new IpvsadmResult(0, "", "")), commandLine);
    }

    /// <summary>The whole table, thresholds included, to check that a refused command changed nothing.</summary>
    public string Snapshot()
    {
        var rules = Run("-Sn").StandardOutput;
        var thresholds = Run("-Ln --thresholds").StandardOutput;
        return rules + thresholds + Run("-L --timeout").StandardOutput;
    }
}
