using System.Runtime.InteropServices;
using Forwarder.Capture.Live;
using Forwarder.Core;
using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Core.Sync;
using Forwarder.Core.Topology;
using Forwarder.Director;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Listing;
using Forwarder.Ipvsadm.Rules;
using Forwarder.Keepalived.Configuration;
using Forwarder.Keepalived.Supervision;
using Forwarder.Monitoring;
using Forwarder.Sync;

namespace Forwarder.Commands;

/// <summary><c>forwarder run</c>: the live director in the foreground until SIGTERM or SIGINT.</summary>
public static class RunCommand
{
    /// <summary>The exit status of a director stopped by an exception nobody expected (sysexits' EX_SOFTWARE).</summary>
    public const int InternalErrorExitCode = 70;

    public static int Run(RunOptions options, TextWriter output, TextWriter errors)
    {
        try
        {
            // Everything that can be refused is refused here, before a port is opened or a file written:
            // run-director.sh runs this much (--check) before it prepares the host.
            DirectorSetup.CheckMaxConnections(options.MaxConnections);
            if (options.Senders is not ("engine" or "per-interface"))
            {
                throw new ArgumentException($"--senders {Forwarder.Core.EchoedText.Of(options.Senders)}: expected engine or per-interface");
            }
            if (options.Transmit is not ("sendmmsg" or "sendmmsg-bypass" or "pcap"))
            {
                throw new ArgumentException($"--transmit {Forwarder.Core.EchoedText.Of(options.Transmit)}: expected sendmmsg, sendmmsg-bypass or pcap");
            }
            if (options.Gro && options.Transmit == "pcap")
            {
                throw new ArgumentException("--gro needs a packet socket to send with: --transmit sendmmsg, not pcap");
            }
            if (options.Gro && options.Transmit == "sendmmsg-bypass")
            {
                // Past the qdisc (dev_direct_xmit), a frame the kernel would have to cut to the MTU is dropped whole.
                throw new ArgumentException("--gro needs the kernel to cut merged frames on the way out: --transmit sendmmsg, not sendmmsg-bypass (past the queueing discipline it drops them)");
            }
            if (options.VipsOwned is not ("all" or "none"))
            {
                throw new ArgumentException($"--vips-owned {Forwarder.Core.EchoedText.Of(options.VipsOwned)}: expected all or none");
            }
            var rulesText = options.Rules is { } rulesPath ? ReadRules(rulesPath) : null;
            if (options.SaveOnExit && options.Rules is null)
            {
                throw new ArgumentException("--save-on-exit needs --rules FILE to save the table to");
            }
            var log = new DirectorLog(errors);
            var keepalived = options.KeepalivedConf is { } keepalivedPath ? LoadKeepalived(keepalivedPath, log) : null;
            if (options.CountersFile is { } countersPath)
            {
                CountersFile.Check(countersPath);
            }
            var metricsAddress = options.Metrics is { } metricsText ? MetricsAddress.Parse(metricsText) : null;
            if (options.ProcfsDirectory is { } procfsDirectory)
            {
                ProcNetDirectory.Check(procfsDirectory);
            }
            var socket = ControlSocketPath.Resolve(options.Socket, Environment.GetEnvironmentVariable(ControlSocketPath.EnvironmentVariable));
            SocketPathCheck.EnsureUsable(socket);
            var networks = options.Masquerade.Select(ParseNetwork).ToList();
            var masquerade = networks.Where(n => n.Network.IsIpv4).Select(n => (n.Network.AsIpv4(), n.PrefixLength)).ToList();
            var masquerade6 = networks.Where(n => n.Network.IsIpv6).ToList();
            var topology = SystemInterfaces.Read(options.PublicInterface, options.PrivateInterface, masquerade, masquerade6);
            if (networks.Count == 0)
            {
                // By default the private link's own networks, its IPv4 subnet and its IPv6 prefix where it has one.
                var link = topology.Private;
                topology.MasqueradedNetworks.Add((new Ipv4Address(link.Address.Value & Ipv4Address.PrefixMask(link.PrefixLength)), link.PrefixLength));
                if (link.Ipv6Address is { } ipv6)
                {
                    topology.MasqueradedNetworks6.Add((ipv6.Masked(link.Ipv6PrefixLength), link.Ipv6PrefixLength));
                }
            }
            var timeouts = new ConnectionTimeouts();
            var services = new ServiceTable(SchedulerRegistry.Create);
            if (options.Marks is { } marksPath)
            {
                services.FirewallMarks = MarksOption.Load(marksPath, topology, log.Warning);
            }
            if (rulesText is not null)
            {
                ApplyRules(options.Rules!, rulesText, services, timeouts);
            }
            var engine = new DirectorEngine(topology, services, new ConnectionTable(timeouts, options.MaxConnections),
                new EngineSettings { AnswerForOwnAddresses = false, SloppyTcp = options.SloppyTcp, OwnsEveryServiceAddress = options.VipsOwned == "all", TakesMergedFrames = options.Gro });
            if (options.Check)
            {
                return 0;
            }
            var changes = new TableChangeLog(log);
            if (rulesText is not null)
            {
                changes.RulesFileApplied(options.Rules!, rulesText);
            }
            // keepalived's virtual servers go in before the saved connections are restored, so theirs find their servers.
            using var checkers = keepalived is null ? null : new KeepalivedSupervisor(keepalived, log);
            checkers?.SetUp(changes.Logged(ExecuteNow(engine), TableChangeOrigin.Checker, KeepalivedSupervisor.IsBenignRefusal));
            var state = new ConnectionStateKeeper(
                new ConnectionStateFile(ConnectionStateFile.Resolve(options.StateFile, Environment.GetEnvironmentVariable(ConnectionStateFile.StateDirectoryVariable))),
                engine, output, errors);
            state.Restore();

            using var publicPort = new LivePort(topology.Public.Name, CaptureFilter(topology.Public.Mac), sender: SenderFor(topology.Public, options));
            using var privatePort = new LivePort(topology.Private.Name, CaptureFilter(topology.Private.Mac), sender: SenderFor(topology.Private, options));
            var rates = new ServiceRateEstimators();
            var commands = new EngineCommandQueue();
            // Connection sync: ipvsadm --start-daemon opens its sockets; they close when the director stops.
            var syncLinks = new MulticastSyncLinks(engine, commands);
            using var syncDaemons = new SyncDaemons(syncLinks);
            // Names are the admin's to resolve (ClientNaming): the director itself prints numbers.
            var executor = new IpvsadmExecutor(DirectorState.FromEngine(engine, rates, syncDaemons: syncDaemons), NumericNameResolver.Instance);
            var countersFile = options.CountersFile is { } countersFilePath ? new CountersFile(countersFilePath, errors) : null;
            var nextCounters = 0L;
            void OnTick(long now)
            {
                rates.Sample(services, now);
                engine.SyncMaster?.Flush(now);
                if (countersFile is not null && now >= nextCounters)
                {
                    nextCounters = now + 1_000_000;
                    countersFile.Write(CountersReport.Format(engine, [publicPort, privatePort]) + SyncReport.Format(syncLinks));
                }
            }
            using var director = new LiveDirector(engine, [publicPort, privatePort], commands, executor, OnTick,
                sendingThreads: options.Senders == "per-interface");
            using var monitoring = DirectorMonitoring.Start(metricsAddress, options.ProcfsDirectory, engine, rates, [publicPort, privatePort], commands, errors);
            using var control = new ControlServer(socket, changes.Logged(commands.SubmitAsync, TableChangeOrigin.ControlSocket));
            control.Start();
            // keepalived's checkers queue their edits behind the operator's; they start with the director.
            checkers?.Start(changes.Logged(commands.SubmitAsync, TableChangeOrigin.Checker, KeepalivedSupervisor.IsBenignRefusal));
            // The last resort: an exception nobody caught (on a capture thread, say) still removes the socket
            // and ends the process with a status, so that run-director.sh restores the host behind it.
            UnhandledExceptionEventHandler lastResort = (_, unhandled) => StopOnInternalError(unhandled.ExceptionObject, control, errors);
            AppDomain.CurrentDomain.UnhandledException += lastResort;
            try
            {
                return Direct(options, output, errors, topology, services, director, control, commands, socket, state, monitoring, syncLinks, checkers);
            }
            finally
            {
                AppDomain.CurrentDomain.UnhandledException -= lastResort;
            }
        }
        catch (Exception failure) when (failure is LineFormatException or InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException or SharpPcap.PcapException)
        {
            errors.WriteLine($"forwarder run: {failure.Message}");
            return 1;
        }
        catch (Exception failure) when (failure is DllNotFoundException || failure.InnerException is DllNotFoundException)
        {
            errors.WriteLine("forwarder run: libpcap (libpcap.so.0.8) is not installed: apt-get install libpcap0.8");
            return 1;
        }
    }

    /// <summary>Directs until SIGTERM or SIGINT, then saves the connections to the state file and the table if asked: 0, or 1 when a save failed.</summary>
    private static int Direct(RunOptions options, TextWriter output, TextWriter errors, DirectorTopology topology, ServiceTable services,
        LiveDirector director, ControlServer control, EngineCommandQueue commands, string socket, ConnectionStateKeeper state,
        DirectorMonitoring monitoring, MulticastSyncLinks syncLinks,
        KeepalivedSupervisor? checkers)
    {
        using var stop = new CancellationTokenSource();
        // SIGHUP (run-director.sh reload): the table is written to the state file, and the director goes on.
        using var onHup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            Task.Run(() => state.Save(director.EngineLock));
        });
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
        output.WriteLine($"forwarder: directing on {topology.Public.Name} (public {Addresses(topology.Public)}) and {topology.Private.Name} (private {Addresses(topology.Private)}), {services.Count} service(s); ipvsadm at {socket}");
        if (monitoring.Metrics is { } metrics)
        {
            output.WriteLine($"forwarder: metrics at http://{metrics.Address}/metrics");
        }
        if (options.ProcfsDirectory is { } procfs)
        {
            output.WriteLine($"forwarder: IPVS procfs files in {Path.Combine(procfs, "net")}, every second");
        }
        output.Flush();
        // A Type=notify unit (forwarder.service) counts the director started once it captures and serves ipvsadm.
        var serviceManager = SystemdNotifier.FromEnvironment(errors);
        serviceManager.Notify($"READY=1\nSTATUS=directing on {topology.Public.Name} and {topology.Private.Name}");
        director.Run(stop.Token);
        serviceManager.Notify("STOPPING=1\nSTATUS=stopping");
        // The monitoring and the checkers go first: their snapshots and edits wait on the engine's queue, which closes next.
        monitoring.Dispose();
        checkers?.Stop();
        control.Dispose();
        commands.Close();

        // The connections first, so that a restart (or an upgrade) loses no established flow.
        var status = state.Save(director.EngineLock) ? 0 : 1;
        if (options.SaveOnExit && options.Rules is { } savePath)
        {
            try
            {
                lock (director.EngineLock)
                {
                    File.WriteAllText(savePath, new ServiceListing().Save(services, new ListingOptions { Numeric = true }));
                }
                output.WriteLine($"forwarder: table saved to {savePath}");
            }
            catch (Exception failed) when (failed is IOException or UnauthorizedAccessException)
            {
                errors.WriteLine($"forwarder run: could not save the table to {savePath}: {failed.Message}");
                status = 1;
            }
        }
        output.Write(director.Counters());
        output.Write(SyncReport.Format(syncLinks));
        output.WriteLine("forwarder: stopped");
        return status;
    }

    /// <summary>A rules file must be there and be a file: a missing one is a mistyped path, not an empty table.</summary>
    private static string ReadRules(string path)
    {
        if (Directory.Exists(path))
        {
            throw new ArgumentException($"--rules {path}: is a directory, not a rules file");
        }
        if (!File.Exists(path))
        {
            throw new ArgumentException($"--rules {path}: no such file");
        }
        return File.ReadAllText(path);
    }

    /// <summary>
    /// keepalived's configuration: what keepalived would report and go past is logged as a warning; a file whose
    /// structure cannot be read is refused, before the host is touched.
    /// </summary>
    private static KeepalivedConfiguration LoadKeepalived(string path, DirectorLog log)
    {
        try
        {
            var configuration = KeepalivedConfigReader.Load(path);
            foreach (var diagnostic in configuration.Diagnostics)
            {
                log.Warning(diagnostic.ToString());
            }
            return configuration;
        }
        catch (ConfigSyntaxException refused)
        {
            throw new ArgumentException($"--keepalived-conf {path}: {refused.Message}", refused);
        }
    }

    /// <summary>
    /// ipvsadm run at once on the engine's table, before the director's loop (and its command queue) runs: for the
    /// table's set-up at start, when nothing else can touch it.
    /// </summary>
    private static Func<IpvsadmInvocation, CancellationToken, Task<IpvsadmResult>> ExecuteNow(DirectorEngine engine)
    {
        var executor = new IpvsadmExecutor(DirectorState.FromEngine(engine, new ServiceRateEstimators()), NumericNameResolver.Instance);
        return (invocation, _) => Task.FromResult(executor.Execute(invocation));
    }

    private static void ApplyRules(string path, string text, ServiceTable services, ConnectionTimeouts timeouts)
    {
        try
        {
            CommandApplier.ApplyAll(RulesFile.Parse(text), services, timeouts);
        }
        catch (LineFormatException refused)
        {
            throw new ArgumentException($"{path}: {refused.Message}", refused);
        }
    }

    private static void StopOnInternalError(object exception, ControlServer control, TextWriter errors)
    {
        try
        {
            errors.WriteLine($"forwarder run: stopping on an internal error: {(exception as Exception)?.Message ?? exception.ToString()}");
            errors.WriteLine(exception.ToString());
            errors.Flush();
            control.Dispose();
        }
        finally
        {
            Environment.Exit(InternalErrorExitCode);
        }
    }

    /// <summary>The packet socket a port sends its batches with, or none when libpcap is to send frame by frame.</summary>
    /// With --gro it hands the kernel merged frames to cut to the interface's MTU.
    private static PacketSocketSender? SenderFor(DirectorInterface link, RunOptions options) => options.Transmit switch
    {
        "pcap" => null,
        _ => new PacketSocketSender(link.Name, bypassQueueingDiscipline: options.Transmit == "sendmmsg-bypass", segmentationMtu: options.Gro ? link.Mtu : 0),
    };

    /// <summary>
    /// The kernel filter: ARP, IPv4 and IPv6 sent to this interface's MAC (whatever they carry: TCP, UDP, ICMP, IPv6
    /// behind extension headers), and ICMPv6 to a multicast group: Neighbour Solicitations for a VIP come to its
    /// solicited-node group's MAC (33:33:ff:..), which the port sees since it captures promiscuously. Everything
    /// else on the segment (other hosts' unicast, multicast that is not ICMPv6) never leaves the kernel.
    /// </summary>
    public static string CaptureFilter(MacAddress mac) => $"arp or ((ip or ip6) and ether dst {mac}) or (icmp6 and ether multicast)";

    /// <summary>An interface's addresses as the start-up line names them: IPv4, and the global IPv6 one with its prefix.</summary>
    private static string Addresses(DirectorInterface link) =>
        link.Ipv6Address is { } ipv6 ? $"{link.Address}, {ipv6}/{link.Ipv6PrefixLength}" : link.Address.ToString();

    /// <summary>An IPv4 network (NET/0-32) or an IPv6 one (NET/0-128), as --masquerade takes them.</summary>
    private static (InetAddress Network, int PrefixLength) ParseNetwork(string text)
    {
        if (Ipv4Address.TryParseNetwork(text, out var network, out var prefix))
        {
            return (network, prefix);
        }
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && InetAddress.TryParseIpv6(text.AsSpan(0, slash), out var network6) &&
            int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix6) && prefix6 <= 128)
        {
            return (network6.Masked(prefix6), prefix6);
        }
        throw new ArgumentException($"--masquerade {text}: expected NETWORK/PREFIX");
    }
}
