using System.Diagnostics;
using System.Globalization;

namespace Forwarder.Lab.Tests;

/// <summary>
/// Connection sync between two live directors, each a <c>forwarder run</c> in a network namespace of this test's own,
/// joined by a veth that carries the multicast: a TCP flow opened through the master (crafted segments from a client
/// namespace, as no server answers) appears on the backup with the master's real server and state. Bounded; every
/// process is killed by PID and every namespace deleted, even on failure.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SyncLabTests
{
    private readonly string _prefix = $"fs{Environment.ProcessId % 10000}-";
    private readonly List<Process> _directors = [];
    private string _state = string.Empty;

    private string Ns(string name) => _prefix + name;

    private Shell.Result In(string ns, params string[] command) =>
        Shell.Run("ip", new[] { "netns", "exec", Ns(ns) }.Concat(command), TimeSpan.FromSeconds(30));

    private void Checked(string ns, params string[] command)
    {
        var result = In(ns, command);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', command)} in {ns}: {result.Error}{result.Output}");
        }
    }

    [OneTimeSetUp]
    public void BuildNamespaces()
    {
        if (Environment.UserName != "root" && Shell.Run("id", ["-u"]).Output.Trim() != "0")
        {
            Assert.Ignore("connection sync between directors needs root (network namespaces)");
        }
        if (Shell.Run("sh", ["-c", "command -v ip && command -v python3"]).ExitCode != 0)
        {
            Assert.Ignore("ip and python3 are needed (./run-director.sh test installs them)");
        }
        TearDown();
        _state = Directory.CreateTempSubdirectory("forwarder-sync-").FullName;
        foreach (var ns in new[] { "client", "master", "backup" })
        {
            if (Shell.Run("ip", ["netns", "add", Ns(ns)]).ExitCode != 0)
            {
                Assert.Ignore("this machine does not allow creating network namespaces");
            }
            Checked(ns, "ip", "link", "set", "lo", "up");
        }
        // client c0 <-> master pub; each director's private link is a veth pair of its own; sync0 <-> sync1 joins them.
        Checked("client", "ip", "link", "add", "c0", "type", "veth", "peer", "name", "pub", "netns", Ns("master"));
        Checked("master", "ip", "link", "add", "sync0", "type", "veth", "peer", "name", "sync1", "netns", Ns("backup"));
        foreach (var ns in new[] { "master", "backup" })
        {
            Checked(ns, "ip", "link", "add", "priv", "type", "veth", "peer", "name", "privpeer");
            Checked(ns, "ip", "addr", "add", "192.168.139.1/24", "dev", "priv");
            Checked(ns, "ip", "link", "set", "priv", "up");
            Checked(ns, "ip", "link", "set", "privpeer", "up");
            Checked(ns, "ip", "neigh", "add", "192.168.139.10", "lladdr", "02:00:00:00:8b:0a", "dev", "priv", "nud", "permanent");
            Checked(ns, "ip", "neigh", "add", "192.168.139.11", "lladdr", "02:00:00:00:8b:0b", "dev", "priv", "nud", "permanent");
        }
        Checked("backup", "ip", "link", "add", "pub", "type", "veth", "peer", "name", "pubpeer");
        Checked("backup", "ip", "link", "set", "pubpeer", "up");
        foreach (var ns in new[] { "master", "backup" })
        {
            Checked(ns, "ip", "addr", "add", "192.168.1.1/24", "dev", "pub");
            Checked(ns, "ip", "link", "set", "pub", "up");
        }
        Checked("master", "ip", "addr", "add", "10.99.0.1/24", "dev", "sync0");
        Checked("master", "ip", "link", "set", "sync0", "up");
        Checked("backup", "ip", "addr", "add", "10.99.0.2/24", "dev", "sync1");
        Checked("backup", "ip", "link", "set", "sync1", "up");
        Checked("client", "ip", "addr", "add", "192.168.1.50/24", "dev", "c0");
        Checked("client", "ip", "link", "set", "c0", "up");
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        foreach (var director in _directors)
        {
            if (!director.HasExited)
            {
                Shell.Run("kill", ["-KILL", director.Id.ToString(CultureInfo.InvariantCulture)]);
                director.WaitForExit(5_000);
            }
            director.Dispose();
        }
        _directors.Clear();
        foreach (var ns in new[] { "client", "master", "backup" })
        {
            Shell.Run("ip", ["netns", "del", Ns(ns)]);
        }
        if (_state.Length > 0)
        {
            Directory.Delete(_state, recursive: true);
        }
    }

    private string Socket(string ns) => Path.Combine(_state, ns + ".sock");

    private void StartDirector(string ns)
    {
        var rules = Path.Combine(_state, ns + ".rules");
        File.WriteAllText(rules, "-A -t 192.168.1.199:80 -s rr\n-a -t 192.168.1.199:80 -r 192.168.139.10:8080 -m\n-a -t 192.168.1.199:80 -r 192.168.139.11:8080 -m\n");
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "netns", "exec", Ns(ns), "dotnet", Repository.ForwarderDll, "run", "--public", "pub", "--private", "priv", "--socket", Socket(ns), "--rules", rules })
        {
            start.ArgumentList.Add(argument);
        }
        var director = Process.Start(start) ?? throw new InvalidOperationException("the director did not start");
        _directors.Add(director);
        director.OutputDataReceived += (_, _) => { };
        director.ErrorDataReceived += (_, _) => { };
        director.BeginOutputReadLine();
        director.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(Socket(ns)) && DateTime.UtcNow < deadline && !director.HasExited)
        {
            Thread.Sleep(100);
        }
        Assert.That(File.Exists(Socket(ns)), Is.True, $"the {ns} director opened its control socket");
    }

    private Shell.Result Ipvsadm(string ns, params string[] arguments) =>
        Shell.Run("dotnet", new[] { Repository.ForwarderDll, "ipvsadm", "--socket", Socket(ns) }.Concat(arguments), TimeSpan.FromSeconds(30));

    [Test]
    public void FlowOpenedOnTheMaster_AppearsOnTheBackup_WithTheSameRealServerAndState()
    {
        StartDirector("master");
        StartDirector("backup");
        Assert.That(Ipvsadm("backup", "--start-daemon", "backup", "--mcast-interface", "sync1", "--syncid", "7"), Is.EqualTo(new Shell.Result(0, "", "")));
        Assert.That(Ipvsadm("master", "--start-daemon", "master", "--mcast-interface", "sync0", "--syncid", "7"), Is.EqualTo(new Shell.Result(0, "", "")));
        Assert.That(Ipvsadm("master", "-L", "--daemon").Output,
            Is.EqualTo("master sync daemon (mcast=sync0, syncid=7, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\n"));

        // Two flows from the client, each SYN, ACK, ACK (the third client packet makes the master send it), from a raw
        // socket, since no real server answers in this lab.
        var send = """
            import socket, struct
            def csum(b):
                if len(b) % 2: b += b'\0'
                s = sum(struct.unpack('!%dH' % (len(b) // 2), b)); s = (s >> 16) + (s & 0xffff); s += s >> 16
                return ~s & 0xffff
            src, dst = socket.inet_aton('192.168.1.50'), socket.inet_aton('192.168.1.199')
            sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
            for port in (40001, 40002):
                for seq, flags in ((1000, 0x02), (1001, 0x10), (1001, 0x10)):
                    tcp = struct.pack('!HHIIBBHHH', port, 80, seq, 1 if flags == 0x10 else 0, 5 << 4, flags, 65535, 0, 0)
                    tcp = tcp[:16] + struct.pack('!H', csum(src + dst + struct.pack('!BBH', 0, 6, len(tcp)) + tcp)) + tcp[18:]
                    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 40, 1, 0, 64, 6, 0, src, dst)
                    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
                    sock.sendto(ip + tcp, ('192.168.1.199', 0))
            """;
        Checked("client", "ip", "neigh", "replace", "192.168.1.199", "lladdr", MasterMac(), "dev", "c0", "nud", "permanent");
        var sent = In("client", "python3", "-c", send);
        Assert.That(sent.ExitCode, Is.Zero, sent.Error);

        var masterConnections = Ipvsadm("master", "-Lnc").Output;
        Assert.That(masterConnections, Does.Contain("ESTABLISHED 192.168.1.50:40001"), "the master has the flows");
        // The master sends a message at the latest two seconds after its first entry; wait up to ten.
        var backupConnections = string.Empty;
        for (var tries = 0; tries < 50 && !backupConnections.Contains("192.168.1.50:40002", StringComparison.Ordinal); tries++)
        {
            Thread.Sleep(200);
            backupConnections = Ipvsadm("backup", "-Lnc").Output;
        }

        foreach (var port in new[] { "40001", "40002" })
        {
            Assert.That(Line(backupConnections, port), Is.EqualTo(Line(masterConnections, port)), $"flow {port}: the backup has the master's server and state");
        }
        Assert.That(Ipvsadm("backup", "-Ln").Output, Does.Contain("  -> 192.168.139.10:8080          Masq    1      1          0"));
    }

    /// <summary>The connection line of a client port without its expiry (which moves on between the two listings).</summary>
    private static string Line(string listing, string port) =>
        string.Join(' ', listing.Split('\n').Single(l => l.Contains("192.168.1.50:" + port, StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Where((_, i) => i != 1));

    private string MasterMac() => In("master", "cat", "/sys/class/net/pub/address").Output.Trim();
}
