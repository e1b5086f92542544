using System.Diagnostics;
using Forwarder.Ipvsadm.Listing;

namespace Forwarder.Tests.Monitoring;

/// <summary>
/// The procfs directory read the way node_exporter reads it: by its parsing rules restated
/// (<see cref="NodeExporterIpvsParser"/>), and by the real node_exporter from Debian's prometheus-node-exporter
/// package pointed at the directory with --path.procfs, whose node_ipvs_* must be the endpoint's own.
/// </summary>
public sealed class NodeExporterProcfsTests
{
    private const string NodeExporter = "/usr/bin/prometheus-node-exporter";

    private string _root = null!;

    [SetUp]
    public void MakeDirectory() => _root = Directory.CreateTempSubdirectory("forwarder-procfs-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task TheFiles_ParseByNodeExportersRules_IntoTheEnginesFigures()
    {
        var director = new KernelCaptureDirector();
        await WriteAsync(director);
        var net = Path.Combine(_root, "net");

        var stats = NodeExporterIpvsParser.ParseStats(File.ReadAllText(Path.Combine(net, "ip_vs_stats")));
        var backends = NodeExporterIpvsParser.ParseBackends(File.ReadAllText(Path.Combine(net, "ip_vs")));

        Assert.That(stats, Is.EqualTo(new NodeExporterIpvsParser.Stats(7, 10, 0, 376, 0)));
        Assert.That(backends, Has.Count.EqualTo(9));
        Assert.That(backends, Does.Contain(new NodeExporterIpvsParser.Backend("", 0, "00000005", "FWM", "192.168.139.36", 0, 1, 0, 0)));
        Assert.That(backends, Does.Contain(new NodeExporterIpvsParser.Backend("192.168.1.200", 443, "", "TCP", "192.168.139.33", 443, 1, 1, 0)));
        Assert.That(backends, Does.Contain(new NodeExporterIpvsParser.Backend("192.168.1.199", 53, "", "UDP", "192.168.139.32", 53, 2, 0, 1)));
    }

    [Test]
    public void TheKernelsOwnFiles_ParseByTheSameRules()
    {
        var stats = NodeExporterIpvsParser.ParseStats(KernelProcNetFiles.Read("later-ip_vs_stats"));
        var backends = NodeExporterIpvsParser.ParseBackends(KernelProcNetFiles.Read("ip_vs"));

        Assert.That(stats, Is.EqualTo(new NodeExporterIpvsParser.Stats(7, 10, 0, 376, 0)));
        Assert.That(backends.Select(b => b.RemoteAddress), Does.Contain("192.168.139.36"), "the firewall-mark service's backend");
    }

    [Test]
    public async Task TheRealNodeExporter_ReadingTheDirectory_ReportsWhatTheEndpointReports()
    {
        if (!File.Exists(NodeExporter))
        {
            Assert.Ignore($"{NodeExporter} is not installed (Debian's prometheus-node-exporter; run-director.sh test installs it)");
        }
        // node_exporter's parser knows TCP, UDP and FWM service lines only (an SCTP service's backends would be
        // taken for the service before it, from the kernel's files as from these), so this table has no SCTP service.
        var director = new KernelCaptureDirector(KernelCaptureDirector.RulesWithoutSctp);
        var snapshot = await WriteAsync(director);
        var port = LoopbackPort.Free();

        var fromNodeExporter = await ScrapeNodeExporterAsync(port);
        var endpoint = new MetricsEndpoint(MetricsAddress.Parse("127.0.0.1:1"), new EngineSnapshots(director.Snapshots.Snapshotter, (_, _) => Task.FromResult(snapshot)));
        endpoint.Update(snapshot);
        using var exposition = new MemoryStream();
        await endpoint.Registry.CollectAndExportAsTextAsync(exposition);
        var fromEndpoint = PrometheusText.Parse(System.Text.Encoding.UTF8.GetString(exposition.ToArray()));

        Assert.That(fromNodeExporter.Values("node_ipvs_"), Is.EquivalentTo(fromEndpoint.Values("node_ipvs_")));
        Assert.That(fromNodeExporter.Values("node_ipvs_"), Has.Count.EqualTo(5 + (3 * 8)));
        foreach (var family in fromEndpoint.Types.Keys.Where(name => name.StartsWith("node_ipvs_", StringComparison.Ordinal)))
        {
            Assert.That(fromNodeExporter.Types[family], Is.EqualTo(fromEndpoint.Types[family]), family);
            Assert.That(fromNodeExporter.Help[family], Is.EqualTo(fromEndpoint.Help[family]), family);
        }
    }

    private async Task<DirectorSnapshot> WriteAsync(KernelCaptureDirector director)
    {
        var snapshotter = director.Snapshots.Snapshotter;
        var writer = new ProcNetWriter(new ProcNetDirectory(_root, TextWriter.Null), snapshotter,
            new EngineSnapshots(snapshotter, (step, _) => Task.FromResult(step())), (step, _) => Task.FromResult(step()));
        return await writer.WriteOnceAsync(CancellationToken.None);
    }

    /// <summary>Runs node_exporter with only its ipvs collector on 127.0.0.1:PORT for at most 20 s, scrapes it once, kills it by PID.</summary>
    private async Task<PrometheusText> ScrapeNodeExporterAsync(int port)
    {
        var start = new ProcessStartInfo(NodeExporter)
        {
            ArgumentList = { "--path.procfs=" + _root, "--collector.disable-defaults", "--collector.ipvs", $"--web.listen-address=127.0.0.1:{port}" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var log = process.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (true)
            {
                try
                {
                    var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
                    Assert.That(text, Does.Contain("node_scrape_collector_success{collector=\"ipvs\"} 1"), "node_exporter's ipvs collector failed");
                    return PrometheusText.Parse(text);
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
                {
                    await Task.Delay(100);
                }
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
            await process.WaitForExitAsync();
            TestContext.Out.WriteLine(await log);
        }
    }
}
