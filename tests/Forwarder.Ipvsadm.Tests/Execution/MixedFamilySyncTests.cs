using Forwarder.Core.Connections;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Core.Sync;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Listing;
using Forwarder.Ipvsadm.Naming;

namespace Forwarder.Ipvsadm.Tests.Execution;

/// <summary>
/// Tunnels to real servers of the other family and the sync daemons exclude each other, as Linux 6.1 answered in the
/// kernel oracle (commands and answers below are that session's, on a veth s0).
/// </summary>
public sealed class MixedFamilySyncTests
{
    private sealed class Links : ISyncDaemonLinks
    {
        public int? InterfaceMtu(string name) => name == "s0" ? 1500 : null;

        public IDisposable Open(SyncDaemonConfig config) => new Closed();

        private sealed class Closed : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }

    private const string Invalid = "Invalid operation.  Possibly wrong module version, address not unicast, ...\n";

    [Test]
    public void KernelSession_CommandByCommand()
    {
        var state = new DirectorState(new ServiceTable(SchedulerRegistry.Create), new ConnectionTable(new ConnectionTimeouts()), () => 0)
        {
            SyncDaemons = new SyncDaemons(new Links()),
        };
        var executor = new IpvsadmExecutor(state, new ServicesFileNameResolver(null), new IpvsadmParser(ServiceNames.BuiltIn, HostNames.None));
        (string Command, int Status, string Error)[] session =
        [
            ("-A -t 192.168.1.1:80 -s rr", 0, ""),
            ("--start-daemon master --mcast-interface s0", 0, ""),
            ("-a -t 192.168.1.1:80 -r [2001:db8::6]:80 -i", 255, Invalid),
            ("-a -t 192.168.1.1:80 -r 10.1.1.6:80 -i", 0, ""),
            ("-A -t [2001:db8::1]:80 -s rr", 0, ""),
            ("-a -t [2001:db8::1]:80 -r 10.1.1.1:80 -i", 255, Invalid),
            ("--stop-daemon master", 0, ""),
            ("-a -t 192.168.1.1:80 -r [2001:db8::7]:80 -i", 0, ""),
            ("--start-daemon master --mcast-interface s0", 255, Invalid),
            ("--start-daemon backup --mcast-interface s0", 255, Invalid),
            ("-d -t 192.168.1.1:80 -r [2001:db8::7]:80", 0, ""),
            ("--start-daemon master --mcast-interface s0", 0, ""),
            // Checked before the server is looked up: not "No such destination".
            ("-e -t 192.168.1.1:80 -r [2001:db8::7]:80 -i -w 2", 255, Invalid),
        ];
        using (Assert.EnterMultipleScope())
        {
            foreach (var (command, status, error) in session)
            {
                var result = executor.Execute(command.Split(' '), "");
                Assert.That((result.ExitCode, result.StandardError), Is.EqualTo((status, error)), command);
            }
        }
        Assert.That(executor.Execute(["-Ln"], "").StandardOutput, Is.EqualTo(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "TCP  192.168.1.1:80 rr\n" +
            "  -> 10.1.1.6:80                  Tunnel  1      0          0         \n" +
            "TCP  [2001:db8::1]:80 rr\n"));
    }
}
