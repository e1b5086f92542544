using System.Net;
using System.Net.Sockets;
using Forwarder.Capture.Live;
using Forwarder.Commands;
using Forwarder.Core.Frames;
using Forwarder.Core.Topology;
using Forwarder.Director;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Listing;
using Forwarder.Monitoring;

namespace Forwarder.Lab.Tests;

/// <summary>
/// The monitoring wired to the live director's loop, as run wires it: real libpcap ports on loopback whose filters
/// match nothing (so the pumps sit in their ten-minute waits), the metrics endpoint scraped on a loopback port and
/// the procfs files written. Each snapshot is a step the pumps are woken for. Needs root.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class LiveMonitoringTests
{
    private const string Loopback = "lo";
    private const string Nobody = "02:00:00:00:0f:11";
    private const int TenMinutes = 600_000;

    [OneTimeSetUp]
    public void NeedsRoot()
    {
        if (Environment.UserName != "root" && Shell.Run("id", ["-u"]).Output.Trim() != "0")
        {
            Assert.Ignore("libpcap on a live interface needs root");
        }
    }

    [Test]
    public async Task AnIdleLiveDirector_AnswersAScrape_AndWritesItsProcfsFiles_AndRemovesThemAtStop()
    {
        var procfs = Directory.CreateTempSubdirectory("forwarder-live-procfs-").FullName;
        using var publicPort = new LivePort(Loopback, $"ether dst {Nobody}", TenMinutes);
        using var privatePort = new LivePort(Loopback, $"ether dst {Nobody}", TenMinutes);
        var topology = new DirectorTopology(
        [
            new DirectorInterface(0, Loopback, Mac("02:00:00:00:0f:12"), Ipv4Address.Parse("10.250.0.1"), 24, InterfaceRole.Public),
            new DirectorInterface(1, Loopback, Mac("02:00:00:00:0f:13"), Ipv4Address.Parse("10.250.1.1"), 24, InterfaceRole.Private),
        ]);
        var engine = DirectorSetup.Build(topology, "-A -t 10.250.0.9:80 -s rr\n-a -t 10.250.0.9:80 -r 10.250.1.9:80 -m -w 2\n");
        var rates = new ServiceRateEstimators();
        var commands = new EngineCommandQueue();
        var director = new LiveDirector(engine, [publicPort, privatePort], commands, new IpvsadmExecutor(DirectorState.FromEngine(engine, rates)));
        var address = MetricsAddress.Parse($"127.0.0.1:{FreePort()}");
        using var stop = new CancellationTokenSource();
        var running = new Thread(() => director.Run(stop.Token)) { IsBackground = true };
        running.Start();
        var monitoring = DirectorMonitoring.Start(address, procfs, engine, rates, [publicPort, privatePort], commands, TextWriter.Null);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var text = await http.GetStringAsync(new Uri($"http://{address}/metrics"));

            Assert.That(text, Does.Contain("node_ipvs_backend_weight{local_address=\"10.250.0.9\",local_port=\"80\",remote_address=\"10.250.1.9\",remote_port=\"80\",proto=\"TCP\",local_mark=\"\"} 2"));
            Assert.That(text, Does.Contain("forwarder_pcap_dropped_total{interface=\"lo\"} 0"));
            var ipVs = Path.Combine(procfs, "net", "ip_vs");
            for (var i = 0; i < 100 && !File.Exists(ipVs); i++)
            {
                await Task.Delay(100);
            }
            Assert.That(File.ReadAllText(ipVs), Does.Contain("TCP  0AFA0009:0050 rr  \n  -> 0AFA0109:0050      Masq    2      0          0         \n"));
        }
        finally
        {
            stop.Cancel();
            Assert.That(running.Join(TimeSpan.FromSeconds(30)), Is.True, "the stop woke the pumps");
            monitoring.Dispose();
            commands.Close();
        }
        Assert.That(Directory.GetFiles(Path.Combine(procfs, "net")), Is.Empty, "the files go with the director");
        Directory.Delete(procfs, recursive: true);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static MacAddress Mac(string text) => MacAddress.TryParse(text, out var mac) ? mac : throw new ArgumentException(text);
}
