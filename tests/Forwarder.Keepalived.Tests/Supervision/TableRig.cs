using Forwarder.Core.Connections;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Listing;
using Forwarder.Ipvsadm.Naming;
using Forwarder.Keepalived.Configuration;
using Forwarder.Keepalived.Supervision;

namespace Forwarder.Keepalived.Tests.Supervision;

/// <summary>
/// A director's table with the real ipvsadm executor over it, run one command at a time as the engine's queue runs
/// them, and a supervisor driving it from a keepalived.conf, its log captured. Listings are ipvsadm's own.
/// </summary>
internal sealed class TableRig : IDisposable
{
    private readonly object _engine = new();
    private readonly StringWriter _logText = new();
    private KeepalivedSupervisor? _supervisor;

    public TableRig()
    {
        var services = new ServiceTable(SchedulerRegistry.Create);
        var state = new DirectorState(services, new ConnectionTable(new ConnectionTimeouts()), () => 0);
        Executor = new IpvsadmExecutor(state, new ServicesFileNameResolver(null), new IpvsadmParser(ServiceNames.BuiltIn, HostNames.None));
        Log = new DirectorLog(TextWriter.Synchronized(_logText));
        Changes = new TableChangeLog(Log);
    }

    public IpvsadmExecutor Executor { get; }

    public DirectorLog Log { get; }

    public TableChangeLog Changes { get; }

    public string LogText
    {
        get
        {
            lock (_logText)
            {
                return _logText.ToString();
            }
        }
    }

    /// <summary>What a checker's submissions go through: the change log, then the table, one command at a time.</summary>
    public Func<IpvsadmInvocation, CancellationToken, Task<IpvsadmResult>> Submit(string origin) =>
        Changes.Logged((invocation, _) => Task.FromResult(Run(invocation)), origin, KeepalivedSupervisor.IsBenignRefusal);

    public IpvsadmResult Run(IpvsadmInvocation invocation)
    {
        lock (_engine)
        {
            return Executor.Execute(invocation);
        }
    }

    /// <summary>An operator's command, through the change log as the control socket's are.</summary>
    public IpvsadmResult Operator(string commandLine) =>
        Submit(TableChangeOrigin.ControlSocket)(new IpvsadmInvocation(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)), CancellationToken.None).Result;

    public string Listing() => Run(new IpvsadmInvocation(["-Ln"])).StandardOutput;

    /// <summary>Starts a supervisor for <paramref name="keepalivedConf"/> and waits until its virtual servers are in the table.</summary>
    public KeepalivedConfiguration Start(string keepalivedConf)
    {
        var configuration = KeepalivedConfigReader.Parse("keepalived.conf", keepalivedConf);
        _supervisor = new KeepalivedSupervisor(configuration, Log);
        _supervisor.Start(Submit(TableChangeOrigin.Checker));
        Assert.That(_supervisor.Started.Wait(TimeSpan.FromSeconds(10)), Is.True, "the virtual servers were set up");
        return configuration;
    }

    /// <summary>Polls (every 50 ms, at most <paramref name="seconds"/>) until the condition holds; says what it waited for if it never does.</summary>
    public void WaitFor(Func<bool> condition, string what, double seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"never: {what}\n--- table\n{Listing()}--- log\n{LogText}");
            }
            Thread.Sleep(50);
        }
    }

    public void Dispose()
    {
        _supervisor?.Dispose();
        _logText.Dispose();
    }
}
