using Forwarder.Core.Connections;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Core.Sync;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Listing;
using Forwarder.Ipvsadm.Naming;

namespace Forwarder.Ipvsadm.Tests.Execution;

/// <summary>--start-daemon, --stop-daemon and -L --daemon against the real kernel's answers, replayed from a capture.</summary>
public sealed class SyncDaemonCommandTests
{
    /// <summary>The guest namespace's interfaces: s0 (MTU 9000), cl0 and lo; opening a daemon only records it.</summary>
    private sealed class GuestLinks : ISyncDaemonLinks
    {
        public List<SyncDaemonConfig> Opened { get; } = [];

        public int? InterfaceMtu(string name) => name switch
        {
            "s0" => 9000,
            "cl0" => 1500,
            "lo" => 65536,
            _ => null,
        };

        public IDisposable Open(SyncDaemonConfig config)
        {
            Opened.Add(config);
            return new Closed(() => Opened.Remove(config));
        }

        private sealed class Closed(Action close) : IDisposable
        {
            public void Dispose() => close();
        }
    }

    private static (IpvsadmExecutor Executor, GuestLinks Links) Rig(bool withDaemons = true)
    {
        var timeouts = new ConnectionTimeouts();
        var links = new GuestLinks();
        var state = new DirectorState(new ServiceTable(SchedulerRegistry.Create), new ConnectionTable(timeouts), () => 0)
        {
            SyncDaemons = withDaemons ? new SyncDaemons(links) : null,
        };
        return (new IpvsadmExecutor(state, new ServicesFileNameResolver(null), new IpvsadmParser(ServiceNames.BuiltIn, HostNames.None)), links);
    }

    private static IEnumerable<TestCaseData> KernelSession()
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Execution", "Fixtures", "sync-daemons-linux-6.1.txt");
        var lines = File.ReadAllLines(path).Where(l => !l.StartsWith('#') || l.StartsWith("### ", StringComparison.Ordinal)).ToList();
        var steps = new List<(string Command, string Out, string Err, int Status)>();
        for (var i = 0; i < lines.Count; i++)
        {
            var command = lines[i]["### ipvsadm ".Length..];
            var output = "";
            var error = "";
            for (i++; !lines[i].StartsWith("status: ", StringComparison.Ordinal); i++)
            {
                if (lines[i].StartsWith("out: ", StringComparison.Ordinal))
                {
                    output += lines[i]["out: ".Length..] + "\n";
                }
                else
                {
                    error += lines[i]["err: ".Length..] + "\n";
                }
            }
            steps.Add((command, output, error, int.Parse(lines[i]["status: ".Length..], System.Globalization.CultureInfo.InvariantCulture)));
        }
        yield return new TestCaseData(steps).SetName("SyncDaemons_AnswerAsLinux61AndIpvsadm131_CommandByCommand");
    }

    [TestCaseSource(nameof(KernelSession))]
    public void KernelSessionReplay(List<(string Command, string Out, string Err, int Status)> steps)
    {
        var (executor, links) = Rig();
        Assert.Multiple(() =>
        {
            foreach (var (command, output, error, status) in steps)
            {
                var result = executor.Execute(command.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                Assert.That(result, Is.EqualTo(new IpvsadmResult(status, output, error)), command);
            }
        });
        Assert.That(links.Opened, Is.Empty, "every daemon started in the session was stopped, and its link closed");
    }

    [Test]
    public void StartedDaemon_OpensItsLink_WithTheKernelsDefaults()
    {
        var (executor, links) = Rig();
        executor.Execute(["--start-daemon", "backup", "--mcast-interface", "cl0", "--syncid", "4"]);

        Assert.That(links.Opened.Single(), Is.EqualTo(new SyncDaemonConfig(SyncRole.Backup, "cl0", 4, 1472, System.Net.IPAddress.Parse("224.0.0.81"), 8848, 1)));
    }

    [Test]
    public void WithoutDaemons_StartIsRefused_AsBefore()
    {
        var (executor, _) = Rig(withDaemons: false);

        Assert.That(executor.Execute(["--start-daemon", "master"]), Is.EqualTo(new IpvsadmResult(255, "", "Operation not supported: no connection sync daemon can run here (replay, a rules file, -R)\n")));
        Assert.That(executor.Execute(["-L", "--daemon"]), Is.EqualTo(new IpvsadmResult(0, "", "")));
    }
}
