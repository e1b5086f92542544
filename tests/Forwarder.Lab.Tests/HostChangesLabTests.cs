using System.Net.Sockets;
using System.Text;

namespace Forwarder.Lab.Tests;

/// <summary>
/// What run-director.sh changes on the director's host (sysctls, the nftables table, offloads, the ipvsadm
/// wrapper), recorded as it changes it, and put back exactly: after SIGTERM or SIGINT, after a director and its
/// watcher killed outright (by the next <c>run</c>, or by <c>stop</c>), never under a second director of the same
/// namespace, and never into the shared /usr/local/sbin from a network namespace. The host is the lab's
/// director namespace, whose values are set beforehand to ones run-director.sh would change.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class HostChangesLabTests
{
    private const string Rules = """
        -A -t 192.168.1.199:80 -s rr
        -a -t 192.168.1.199:80 -r 192.168.139.254:80 -m
        """;

    private static readonly string[] Sysctls =
    [
        "net.ipv4.ip_forward", "net.ipv4.conf.all.send_redirects", "net.ipv4.conf.default.send_redirects",
        "net.ipv4.conf.eth2.send_redirects", "net.ipv4.conf.eth1.send_redirects",
        "net.ipv6.conf.all.forwarding", "net.ipv6.conf.default.forwarding",
        "net.ipv6.conf.eth2.forwarding", "net.ipv6.conf.eth1.forwarding",
    ];

    private static readonly string[] Offloads =
    [
        "generic-receive-offload", "generic-segmentation-offload", "tcp-segmentation-offload", "tx-checksumming", "rx-checksumming",
    ];

    private Lab _lab = null!;
    private string _wrapperDirectory = null!;

    [OneTimeSetUp]
    public void BuildTheLab()
    {
        if (Lab.WhyNot() is { } reason)
        {
            Assert.Ignore(reason);
        }
        _lab = Lab.Up("host");
    }

    [OneTimeTearDown]
    public void TearDownTheLab()
    {
        _lab?.Dispose();
        // The state directories this fixture made run-director.sh create, where nothing else is in them.
        foreach (var directory in new[] { "/run/forwarder/netns", "/run/forwarder" })
        {
            if (Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);
            }
        }
    }

    [SetUp]
    public void SetTheHostsOwnValues()
    {
        _wrapperDirectory = Directory.CreateTempSubdirectory("forwarder-sbin-").FullName;
        // Values run-director.sh turns off, and one offload on that a veth has off by default (GRO): the
        // originals to come back are then not what "everything on" or "the defaults" would give.
        foreach (var key in Sysctls)
        {
            _lab.In("director", "sysctl", "-qw", key + "=1");
        }
        // One interface not forwarding IPv6 under all.forwarding=1: writing `all` back would turn it on, so its 0
        // must be recorded and put back after `all`.
        _lab.In("director", "sysctl", "-qw", "net.ipv6.conf.eth1.forwarding=0");
        _lab.In("director", "ethtool", "-K", "eth2", "gro", "on");
        _lab.In("director", "ethtool", "-K", "eth1", "gro", "off");
    }

    [TearDown]
    public void StopAnyDirector()
    {
        _lab.StopDirector(kill: true);
        WaitFor(() => !File.Exists(HostState), TimeSpan.FromSeconds(10));
        // What a killed test left behind is undone as `stop` would.
        _lab.RunDirectorScriptIn("director", WithWrapper, "stop");
        _lab.RunDirectorScriptIn("director", new Dictionary<string, string?> { ["FORWARDER_STATE"] = null }, "stop");
        Directory.Delete(_wrapperDirectory, recursive: true);
        if (Directory.Exists(DefaultStateDirectory))
        {
            Directory.Delete(DefaultStateDirectory, recursive: true);
        }
    }

    private string HostState => Path.Combine(_lab.DirectorState, "host-state");

    /// <summary>The state directory run-director.sh picks by itself in the director's namespace (a named one).</summary>
    private string DefaultStateDirectory => "/run/forwarder/netns/" + _lab.Prefix + "director";

    private string Wrapper => Path.Combine(_wrapperDirectory, "ipvsadm");

    private Dictionary<string, string?> WithWrapper => new() { ["FORWARDER_WRAPPER_DIR"] = _wrapperDirectory };

    private bool NftTablePresent => _lab.In("director", "nft", "list", "table", "ip", "forwarder").ExitCode == 0;

    private bool Nft6TablePresent => _lab.In("director", "nft", "list", "table", "ip6", "forwarder").ExitCode == 0;

    private bool NetdevTablePresent => _lab.In("director", "nft", "list", "table", "netdev", "forwarder").ExitCode == 0;

    /// <summary>IPv4 datagrams the director's own stack has taken in (/proc/net/snmp's Ip: InReceives).</summary>
    private long KernelIpReceives()
    {
        var lines = _lab.In("director", "cat", "/proc/net/snmp").Output.Split('\n').Where(l => l.StartsWith("Ip: ", StringComparison.Ordinal)).ToList();
        var column = Array.IndexOf(lines[0].Split(' '), "InReceives");
        return long.Parse(lines[1].Split(' ')[column], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Everything run-director.sh may change in the director's namespace, as text to compare.</summary>
    private string HostSnapshot()
    {
        var lines = new List<string>();
        foreach (var key in Sysctls)
        {
            lines.Add(key + " = " + _lab.In("director", "sysctl", "-n", key).Output.Trim());
        }
        foreach (var device in new[] { "eth2", "eth1" })
        {
            var features = _lab.In("director", "ethtool", "-k", device).Output.Split('\n');
            lines.AddRange(features.Where(f => Offloads.Any(o => f.StartsWith(o + ":", StringComparison.Ordinal))).Select(f => device + " " + f.Trim()));
        }
        lines.Add("nft: " + _lab.In("director", "nft", "list", "tables").Output.Trim());
        lines.Add("wrapper: " + File.Exists(Wrapper));
        return string.Join('\n', lines);
    }

    private static bool WaitFor(Func<bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            Thread.Sleep(100);
        }
        return true;
    }

    private void AssertTheHostIsPrepared(string why)
    {
        Assert.Multiple(() =>
        {
            Assert.That(NftTablePresent, Is.True, why + ": the nftables table");
            Assert.That(Nft6TablePresent, Is.True, why + ": the ip6 nftables table");
            Assert.That(NetdevTablePresent, Is.True, why + ": the netdev nftables table");
            Assert.That(_lab.In("director", "sysctl", "-n", "net.ipv4.ip_forward").Output.Trim(), Is.EqualTo("0"), why + ": forwarding off");
            Assert.That(_lab.In("director", "sysctl", "-n", "net.ipv6.conf.all.forwarding").Output.Trim(), Is.EqualTo("0"), why + ": IPv6 forwarding off");
            Assert.That(_lab.In("director", "ethtool", "-k", "eth2").Output, Does.Contain("generic-receive-offload: off"), why + ": GRO off");
        });
    }

    [TestCase("TERM")]
    [TestCase("INT")]
    public void Signal_UndoesExactlyWhatWasRecorded(string signal)
    {
        var before = HostSnapshot();
        _lab.StartDirector(Rules, WithWrapper);
        AssertTheHostIsPrepared("run");
        Assert.That(File.Exists(Wrapper), Is.True, "the wrapper is installed where it was told: " + _lab.DirectorLog);

        var status = _lab.StopDirector(signal);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.Zero, _lab.DirectorLog);
            Assert.That(WaitFor(() => !File.Exists(HostState), TimeSpan.FromSeconds(10)), Is.True, "the record is gone once undone");
            Assert.That(HostSnapshot(), Is.EqualTo(before), _lab.DirectorLog);
        });
    }

    [Test]
    public void Ipv6_ForwardingOffEverywhere_AndTheMasqueradePortsOfThePublicIpv6AddressDropped_ThenAllPutBack()
    {
        var before = HostSnapshot();
        _lab.StartDirector(Rules);
        var record = File.ReadAllText(HostState);
        var table = _lab.In("director", "nft", "list", "table", "ip6", "forwarder").Output;
        var forwarding = Sysctls.Where(k => k.StartsWith("net.ipv6.", StringComparison.Ordinal))
            .Select(k => _lab.In("director", "sysctl", "-n", k).Output.Trim()).ToList();
        // The client's TCP to the director's own IPv6 address, where nothing listens: in the masquerade range the
        // kernel never sees it (curl times out, 28); outside it the kernel answers with a reset (refused, 7).
        var inRange = ConnectToTheDirector(40000);
        var outOfRange = ConnectToTheDirector(30000);

        Assert.Multiple(() =>
        {
            Assert.That(forwarding, Has.All.EqualTo("0"), "all, default and both interfaces");
            Assert.That(record, Does.Contain("sysctl net.ipv6.conf.all.forwarding 1\n"));
            Assert.That(record, Does.Contain("sysctl net.ipv6.conf.eth1.forwarding 0\n"), "recorded though already 0: restoring `all` turns it on");
            Assert.That(record.IndexOf("sysctl net.ipv6.conf.eth2.forwarding", StringComparison.Ordinal),
                Is.LessThan(record.IndexOf("sysctl net.ipv6.conf.all.forwarding", StringComparison.Ordinal)), "`all` last, so that it is restored first");
            Assert.That(record, Does.Contain("nft6 forwarder\n"));
            Assert.That(table, Does.Contain("iifname \"eth2\" ip6 daddr 2001:db8::113 tcp dport 32768-60999 drop"), table);
            Assert.That(table, Does.Contain("iifname \"eth2\" ip6 daddr 2001:db8::113 udp dport 32768-60999 drop"));
            Assert.That(table, Does.Not.Contain("2001:db8:139::142"), "the private address is not the masquerade's");
            Assert.That(_lab.DirectorLog, Does.Contain("host: net.ipv6.conf.all.forwarding = 0 (was 1)"));
            Assert.That(inRange, Is.EqualTo(28), "a masquerade port: dropped before the kernel's stack");
            Assert.That(outOfRange, Is.EqualTo(7), "another port: the kernel's own");
        });

        _lab.StopDirector();

        Assert.Multiple(() =>
        {
            Assert.That(WaitFor(() => !File.Exists(HostState), TimeSpan.FromSeconds(10)), Is.True, _lab.DirectorLog);
            Assert.That(Nft6TablePresent, Is.False, "the ip6 table is removed");
            Assert.That(HostSnapshot(), Is.EqualTo(before), _lab.DirectorLog);
            Assert.That(ConnectToTheDirector(40000), Is.EqualTo(7), "the kernel answers the masquerade ports again");
        });
    }

    [Test]
    public void FramesForOtherHosts_AreDroppedAtIngress_AfterTheCapture_WhileTheHostsOwnStillReachItsStack()
    {
        var before = HostSnapshot();
        _lab.StartDirector(Rules);
        var table = _lab.In("director", "nft", "list", "table", "netdev", "forwarder").Output;
        var received = KernelIpReceives();
        // Through the VIP: the client's frames on eth2 and the web's replies on eth1 are all for other hosts.
        var answers = Enumerable.Range(0, 5).Select(_ => _lab.In("client", "curl", "-s", "-m", "2", "-o", "/dev/null", "-w", "%{http_code}", "http://192.168.1.199/").Output).ToList();
        var throughTheVip = KernelIpReceives() - received;
        // The director's own address, where nothing listens outside the masquerade range: its kernel answers (a reset).
        var own = _lab.In("client", "curl", "-s", "-m", "2", "-o", "/dev/null", "http://192.168.1.113:30000/").ExitCode;
        var toItself = KernelIpReceives() - received - throughTheVip;

        Assert.Multiple(() =>
        {
            Assert.That(answers, Has.All.EqualTo("200"), "the director captured and forwarded every frame: " + _lab.DirectorLog);
            Assert.That(throughTheVip, Is.Zero, "none reached the director's IP stack");
            Assert.That(own, Is.EqualTo(7), "refused by the director's kernel");
            Assert.That(toItself, Is.GreaterThan(0));
            Assert.That(table, Does.Contain("hook ingress device \"eth2\"").And.Contain("hook ingress device \"eth1\""), table);
            Assert.That(table, Does.Contain("fib daddr type unicast drop"), table);
            Assert.That(File.ReadAllText(HostState), Does.Contain("nftnetdev forwarder\n"));
            Assert.That(_lab.DirectorLog, Does.Contain("host: nftables table netdev forwarder drops"));
        });

        _lab.StopDirector();

        Assert.Multiple(() =>
        {
            Assert.That(WaitFor(() => !File.Exists(HostState), TimeSpan.FromSeconds(10)), Is.True, _lab.DirectorLog);
            Assert.That(NetdevTablePresent, Is.False, "the netdev table is removed");
            Assert.That(HostSnapshot(), Is.EqualTo(before), _lab.DirectorLog);
        });
    }

    [Test]
    public void ABridgePort_KeepsItsFramesForOtherHosts()
    {
        // The bridge takes its port's frames after ingress: a drop there would cut the bridge off.
        Assert.That(_lab.In("director", "ip", "link", "add", "br7", "type", "bridge").ExitCode, Is.Zero);
        try
        {
            Assert.That(_lab.In("director", "ip", "link", "set", "eth1", "master", "br7").ExitCode, Is.Zero);
            _lab.StartDirector(Rules);
            var table = _lab.In("director", "nft", "list", "table", "netdev", "forwarder").Output;

            Assert.Multiple(() =>
            {
                Assert.That(table, Does.Contain("hook ingress device \"eth2\""), table);
                Assert.That(table, Does.Not.Contain("\"eth1\""), table);
                Assert.That(_lab.DirectorLog, Does.Contain("host: no ingress drop on eth1: it has a master or upper devices"));
            });
        }
        finally
        {
            _lab.StopDirector();
            _lab.In("director", "ip", "link", "set", "eth1", "nomaster");
            _lab.In("director", "ip", "link", "del", "br7");
        }
    }

    /// <summary>curl's exit status for a TCP connection from the client to the director's public IPv6 address.</summary>
    private int ConnectToTheDirector(int port) =>
        _lab.In("client", "curl", "-6", "-g", "-s", "-m", "2", "-o", "/dev/null", $"http://[2001:db8::113]:{port}/").ExitCode;

    [Test]
    public void KilledWithItsWatcher_TheNextRunReportsTheStaleRecord_AndRestoresTheHostsOwnValues()
    {
        var before = HostSnapshot();
        _lab.StartDirector(Rules, WithWrapper);

        _lab.KillDirectorAndWatcher();
        Thread.Sleep(500);
        AssertTheHostIsPrepared("nothing undid the changes of a director killed with its watcher");
        Assert.That(File.Exists(HostState), Is.True, "the record stays");

        _lab.StartDirector(Rules, WithWrapper);
        var record = File.ReadAllText(HostState);
        Assert.Multiple(() =>
        {
            Assert.That(_lab.DirectorLog, Does.Contain("found the host changes of a director that is gone"));
            Assert.That(record, Does.Contain("sysctl net.ipv4.ip_forward 1\n"), "the original, not the killed director's 0");
            Assert.That(record, Does.Not.Contain("sysctl net.ipv4.ip_forward 0"));
            Assert.That(record, Does.Contain("offload eth2 gro\n"), "GRO, which was on, is recorded again");
            Assert.That(record, Does.Not.Contain("offload eth1 gro"), "GRO off on eth1 is not a change to undo");
            Assert.That(record, Does.Contain("wrapper " + Wrapper + "\n"), "its own wrapper is recorded, not mistaken for the system's ipvsadm");
        });

        _lab.StopDirector();

        Assert.Multiple(() =>
        {
            Assert.That(WaitFor(() => !File.Exists(HostState), TimeSpan.FromSeconds(10)), Is.True, _lab.DirectorLog);
            Assert.That(HostSnapshot(), Is.EqualTo(before), _lab.DirectorLog);
        });
    }

    [Test]
    public void KilledWithItsWatcher_StopRestoresTheHost()
    {
        var before = HostSnapshot();
        _lab.StartDirector(Rules, WithWrapper);
        _lab.KillDirectorAndWatcher();

        var stopped = _lab.RunDirectorScriptIn("director", WithWrapper, "stop");

        Assert.Multiple(() =>
        {
            Assert.That(stopped.ExitCode, Is.Zero, stopped.Error);
            Assert.That(stopped.Error, Does.Contain("stale pidfile").And.Contain("(restored)"));
            Assert.That(File.Exists(HostState), Is.False);
            Assert.That(HostSnapshot(), Is.EqualTo(before), stopped.Error);
        });
    }

    [Test]
    public void SecondDirectorInTheSameNamespace_IsRefused_AndTheFirstKeepsItsChanges()
    {
        _lab.StartDirector(Rules);
        var otherState = Directory.CreateTempSubdirectory("forwarder-state-").FullName;
        try
        {
            var second = _lab.RunDirectorToExit(["--rules", _lab.Rules], environment: new Dictionary<string, string?> { ["FORWARDER_STATE"] = otherState });

            Assert.Multiple(() =>
            {
                Assert.That(second.ExitCode, Is.EqualTo(1), second.Error);
                Assert.That(second.Error, Does.Contain("another director runs in this network namespace").And.Contain(_lab.DirectorState));
                Assert.That(second.Error, Does.Not.Contain("host: "), "the second changed nothing");
                Assert.That(File.Exists(Path.Combine(otherState, "host-state")), Is.False);
                Assert.That(_lab.DirectorRunning, Is.True);
            });
            AssertTheHostIsPrepared("the first director's changes stay");
        }
        finally
        {
            Directory.Delete(otherState, recursive: true);
        }
    }

    [Test]
    public void Stop_FindsTheDirectorOfItsOwnNamespace_WithoutBeingToldTheStateDirectory()
    {
        var before = HostSnapshot();
        var untold = new Dictionary<string, string?> { ["FORWARDER_STATE"] = null };
        _lab.StartDirector(Rules, untold);
        Assert.That(File.Exists(Path.Combine(DefaultStateDirectory, "host-state")), Is.True, "the namespace's own state directory");

        var elsewhere = _lab.RunDirectorScriptIn("client", untold, "stop");
        Assert.Multiple(() =>
        {
            Assert.That(elsewhere.Error, Does.Contain("no host changes to undo"), "another namespace has a record of its own");
            Assert.That(_lab.DirectorRunning, Is.True);
        });

        var stopped = _lab.RunDirectorScriptIn("director", untold, "stop");

        Assert.Multiple(() =>
        {
            Assert.That(stopped.ExitCode, Is.Zero, stopped.Error);
            Assert.That(stopped.Error, Does.Contain("stopped"));
            Assert.That(WaitFor(() => !_lab.DirectorRunning, TimeSpan.FromSeconds(5)), Is.True);
            Assert.That(HostSnapshot(), Is.EqualTo(before), stopped.Error + _lab.DirectorLog);
        });
    }

    [Test]
    public void InANetworkNamespace_TheControlSocketDefaultsToTheNamespacesStateDirectory_NotTheHosts()
    {
        var untold = new Dictionary<string, string?> { ["FORWARDER_STATE"] = null, ["FORWARDER_SOCKET"] = null };
        var socket = Path.Combine(DefaultStateDirectory, "forwarder.sock");
        _lab.StartDirectorWithItsDefaultSocket(Rules, untold, socket);

        var listed = _lab.RunDirectorScriptIn("director", untold, "ipvsadm", "-Ln");

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(socket), Is.True, _lab.DirectorLog);
            Assert.That(_lab.DirectorLog, Does.Contain("ipvsadm at " + socket));
            Assert.That(listed.ExitCode, Is.Zero, listed.Error);
            Assert.That(listed.Output, Does.Contain("TCP  192.168.1.199:80 rr"), "ipvsadm in the namespace finds it untold");
        });
    }

    [Test]
    public void KilledWithItsWatcher_ARunWithAnotherStateDirectory_UndoesTheFirstsRecordFirst()
    {
        var before = HostSnapshot();
        _lab.StartDirector(Rules);
        _lab.KillDirectorAndWatcher();
        var otherState = Directory.CreateTempSubdirectory("forwarder-state-").FullName;
        try
        {
            var elsewhere = new Dictionary<string, string?> { ["FORWARDER_STATE"] = otherState };
            _lab.StartDirector(Rules, elsewhere);
            var record = File.ReadAllText(Path.Combine(otherState, "host-state"));

            Assert.Multiple(() =>
            {
                Assert.That(_lab.DirectorLog, Does.Contain("found the host changes of a director that is gone in " + _lab.DirectorState));
                Assert.That(File.Exists(HostState), Is.False, "the first record is undone and gone");
                Assert.That(record, Does.Contain("sysctl net.ipv4.ip_forward 1\n"), "the host's own value is recorded again");
            });

            _lab.StopDirector();
            Assert.That(WaitFor(() => !File.Exists(Path.Combine(otherState, "host-state")), TimeSpan.FromSeconds(10)), Is.True);
            Assert.That(HostSnapshot(), Is.EqualTo(before), _lab.DirectorLog);
        }
        finally
        {
            Directory.Delete(otherState, recursive: true);
        }
    }

    [Test]
    public void ARecordFromANamespaceThatIsGone_OnlyItsFilesAreUndone()
    {
        var state = Directory.CreateTempSubdirectory("forwarder-state-").FullName;
        try
        {
            File.WriteAllText(Wrapper, "#!/bin/sh\n# Forwarder's ipvsadm wrapper\n");
            // No namespace has inode 1: the one this record was made in is gone, with its sysctls.
            File.WriteAllText(Path.Combine(state, "host-state"), $"netns net:[1]\ndirector 99999 1\nsysctl net.ipv4.ip_forward 0\nwrapper {Wrapper}\n");

            var stopped = _lab.RunDirectorScriptIn("director", new Dictionary<string, string?> { ["FORWARDER_STATE"] = state }, "stop");

            Assert.Multiple(() =>
            {
                Assert.That(stopped.ExitCode, Is.Zero, stopped.Error);
                Assert.That(stopped.Error, Does.Contain("(net:[1]) is gone"));
                Assert.That(File.Exists(Wrapper), Is.False, "the wrapper, a file on the shared file system, is removed");
                Assert.That(_lab.In("director", "sysctl", "-n", "net.ipv4.ip_forward").Output.Trim(), Is.EqualTo("1"), "this namespace's sysctl is not touched");
                Assert.That(File.Exists(Path.Combine(state, "host-state")), Is.False);
            });
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Test]
    public void ARecordOfThePreviousScript_IsStillUndone()
    {
        var netns = _lab.In("director", "readlink", "/proc/self/ns/net").Output.Trim();
        _lab.In("director", "sysctl", "-qw", "net.ipv4.ip_forward=0");
        _lab.In("director", "ethtool", "-K", "eth2", "tx", "off");
        File.WriteAllText(Wrapper, "#!/bin/sh\n# installed by /somewhere/run-director.sh: ipvsadm for the running Forwarder director\nexec /somewhere/run-director.sh ipvsadm \"$@\"\n");
        // As the script before this one wrote it: offloads by interface alone, the wrapper without our mark.
        File.WriteAllText(HostState, $"netns {netns}\nsysctl net.ipv4.ip_forward 1\nnft forwarder\nwrapper {Wrapper}\noffload eth2\noffload eth1\n");

        var stopped = _lab.RunDirectorScriptIn("director", null, "stop");

        Assert.Multiple(() =>
        {
            Assert.That(stopped.ExitCode, Is.Zero, stopped.Error);
            Assert.That(_lab.In("director", "sysctl", "-n", "net.ipv4.ip_forward").Output.Trim(), Is.EqualTo("1"));
            Assert.That(_lab.In("director", "ethtool", "-k", "eth2").Output, Does.Contain("tx-checksumming: on"));
            Assert.That(File.Exists(Wrapper), Is.False, "the old wrapper is recognised as ours");
            Assert.That(File.Exists(HostState), Is.False);
        });
    }

    [Test]
    public void InANetworkNamespace_TheWrapperNeverGoesIntoTheSharedSbin()
    {
        const string shared = "/usr/local/sbin/ipvsadm";
        Assume.That(File.Exists(shared), Is.False, "this machine has an ipvsadm in /usr/local/sbin already");
        _lab.StartDirector(Rules);

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(shared), Is.False);
            Assert.That(_lab.DirectorLog, Does.Contain("no ipvsadm wrapper in /usr/local/sbin: this director runs in network namespace"));
            Assert.That(File.ReadAllText(HostState), Does.Not.Contain("wrapper "));
        });
    }

    [Test]
    public void UnderANotifySocket_TheDirectorSaysReady_ThenStopping()
    {
        var path = Path.Combine(_lab.State, "notify.sock");
        File.Delete(path);
        using var manager = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        manager.Bind(new UnixDomainSocketEndPoint(path));
        manager.ReceiveTimeout = 20_000;
        var buffer = new byte[4096];

        _lab.StartDirector(Rules, new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = path });
        var ready = Encoding.UTF8.GetString(buffer, 0, manager.Receive(buffer));
        _lab.StopDirector();
        var stopping = Encoding.UTF8.GetString(buffer, 0, manager.Receive(buffer));

        Assert.Multiple(() =>
        {
            Assert.That(ready.Split('\n'), Does.Contain("READY=1"), ready);
            Assert.That(ready, Does.Contain("STATUS=directing on eth2 and eth1"));
            Assert.That(stopping.Split('\n'), Does.Contain("STOPPING=1"), stopping);
        });
        File.Delete(path);
    }
}
