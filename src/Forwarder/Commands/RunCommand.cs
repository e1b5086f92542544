using System.Runtime.InteropServices;
using Forwarder.Capture.Live;
using Forwarder.Core;
using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Director;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Listing;
using Forwarder.Ipvsadm.Rules;

namespace Forwarder.Commands;

/// <summary><c>forwarder run</c>: the live director in the foreground until SIGTERM or SIGINT.</summary>
public static class RunCommand
{
    public static int Run(RunOptions options, TextWriter output, TextWriter errors)
    {
        try
        {
            var masquerade = options.Masquerade.Select(ParseNetwork).ToList();
            var topology = SystemInterfaces.Read(options.PublicInterface, options.PrivateInterface, masquerade);
            if (masquerade.Count == 0)
            {
                var link = topology.Private;
                topology.MasqueradedNetworks.Add((new Ipv4Address(link.Address.Value & Ipv4Address.PrefixMask(link.PrefixLength)), link.PrefixLength));
            }
            var timeouts = new ConnectionTimeouts();
            var services = new ServiceTable();
            if (options.Rules is { } rulesPath && File.Exists(rulesPath))
            {
                CommandApplier.ApplyAll(RulesFile.Parse(File.ReadAllText(rulesPath)), services, timeouts);
            }
            var engine = new DirectorEngine(topology, services, new ConnectionTable(timeouts, options.MaxConnections),
                new EngineSettings { AnswerForOwnAddresses = false });

            using var publicPort = new LivePort(topology.Public.Name, CaptureFilter(topology.Public.Mac));
            using var privatePort = new LivePort(topology.Private.Name, CaptureFilter(topology.Private.Mac));
            var rates = new ServiceRateEstimators();
            var executor = new IpvsadmExecutor(DirectorState.FromEngine(engine, rates));
            var commands = new EngineCommandQueue();
            var nextCounters = 0L;
            void OnTick(long now)
            {
                rates.Sample(services, now);
                if (options.CountersFile is { } countersFile && now >= nextCounters)
                {
                    nextCounters = now + 1_000_000;
                    File.WriteAllText(countersFile, CountersReport.Format(engine, [publicPort, privatePort]));
                }
            }
            var director = new LiveDirector(engine, [publicPort, privatePort], commands, executor, OnTick);
            var socket = ControlSocketPath.Resolve(options.Socket, Environment.GetEnvironmentVariable(ControlSocketPath.EnvironmentVariable));
            using var control = new ControlServer(socket, commands.SubmitAsync);
            control.Start();

            using var stop = new CancellationTokenSource();
            using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
            using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
            output.WriteLine($"forwarder: directing on {topology.Public.Name} (public {topology.Public.Address}) and {topology.Private.Name} (private {topology.Private.Address}), {services.Count} service(s); ipvsadm at {socket}");
            output.Flush();
            director.Run(stop.Token);
            control.Dispose();
            commands.Close();

            if (options.SaveOnExit && options.Rules is { } savePath)
            {
                lock (director.EngineLock)
                {
                    File.WriteAllText(savePath, new ServiceListing().Save(services, new ListingOptions { Numeric = true }));
                }
                output.WriteLine($"forwarder: table saved to {savePath}");
            }
            output.Write(director.Counters());
            output.WriteLine("forwarder: stopped");
            return 0;
        }
        catch (Exception failure) when (failure is LineFormatException or InvalidOperationException or ArgumentException or IOException or SharpPcap.PcapException)
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

    /// <summary>
    /// The kernel filter: ARP, and IPv4 sent to this interface's MAC. Everything else on the segment (other
    /// hosts' unicast, IPv6, ...) never leaves the kernel.
    /// </summary>
    private static string CaptureFilter(MacAddress mac) => $"arp or (ip and ether dst {mac})";

    private static (Ipv4Address, int) ParseNetwork(string text) =>
        Ipv4Address.TryParseNetwork(text, out var network, out var prefix)
            ? (network, prefix)
            : throw new ArgumentException($"--masquerade {text}: expected NETWORK/PREFIX");
}
