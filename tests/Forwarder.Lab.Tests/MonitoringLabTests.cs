using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Forwarder.Lab.Tests;

/// <summary>
/// The seed's NAT lab with the director run as an operator would: <c>run --metrics 127.0.0.1:PORT --procfs-dir
/// DIR</c>. After real HTTP traffic, the endpoint is scraped from inside the director's namespace, and the real
/// node_exporter (Debian's prometheus-node-exporter) reads the procfs directory there: its node_ipvs_* must be the
/// endpoint's. Needs root; runs in CI.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class MonitoringLabTests
{
    private const string NodeExporter = "/usr/bin/prometheus-node-exporter";
    private const int MetricsPort = 19_100;
    private const int NodeExporterPort = 19_101;

    private Lab _lab = null!;
    private string _procfs = null!;

    [OneTimeSetUp]
    public void BuildTheLab()
    {
        if (Lab.WhyNot() is { } reason)
        {
            Assert.Ignore(reason);
        }
        _lab = Lab.Up("mon");
        _procfs = Path.Combine(_lab.DirectorState, "proc");
        _lab.StartDirector(NatLabTests.SeedRules, "--metrics", $"127.0.0.1:{MetricsPort}", "--procfs-dir", _procfs);
    }

    [OneTimeTearDown]
    public void TearDownTheLab() => _lab?.Dispose();

    [Test, Order(1)]
    public void AfterSixRequests_TheEndpointCountsThem_PerBackendAndInTotal()
    {
        for (var i = 0; i < 6; i++)
        {
            Assert.That(_lab.Get(), Does.StartWith("web"), _lab.DirectorLog);
        }
        // A snapshot is at most a second old: wait for one taken after the traffic.
        Thread.Sleep(1500);

        var metrics = Scrape(MetricsPort);

        Assert.That(Value(metrics, "node_ipvs_connections_total"), Is.EqualTo(6));
        Assert.That(Value(metrics, "node_ipvs_incoming_packets_total"), Is.GreaterThanOrEqualTo(6 * 5), "SYN, ACK, request, ACKs, FIN at least");
        Assert.That(Value(metrics, "node_ipvs_outgoing_packets_total"), Is.GreaterThanOrEqualTo(6 * 3));
        foreach (var web in new[] { "192.168.139.252", "192.168.139.253", "192.168.139.254" })
        {
            var labels = $"local_address=\"192.168.1.199\",local_port=\"80\",remote_address=\"{web}\",remote_port=\"80\",proto=\"TCP\",local_mark=\"\"";
            Assert.That(Value(metrics, "node_ipvs_backend_weight{" + labels + "}"), Is.EqualTo(1));
            Assert.That(Value(metrics, "node_ipvs_backend_connections_inactive{" + labels + "}"), Is.EqualTo(2), "two closed connections each (TIME_WAIT)");
        }
        Assert.That(Value(metrics, "forwarder_frames_total{outcome=\"Forwarded\"}"), Is.GreaterThan(0));
        Assert.That(File.ReadAllText(Path.Combine(_procfs, "net", "ip_vs")), Does.Contain("TCP  C0A801C7:0050 rr  \n"));
    }

    [Test, Order(2)]
    public void TheRealNodeExporter_ReadingTheProcfsDirectory_AgreesWithTheEndpoint()
    {
        if (!File.Exists(NodeExporter))
        {
            Assert.Ignore($"{NodeExporter} is not installed (Debian's prometheus-node-exporter; run-director.sh test installs it)");
        }
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "netns", "exec", _lab.Prefix + "director", NodeExporter, "--path.procfs=" + _procfs,
                     "--collector.disable-defaults", "--collector.ipvs", $"--web.listen-address=127.0.0.1:{NodeExporterPort}" })
        {
            start.ArgumentList.Add(argument);
        }
        using var nodeExporter = Process.Start(start)!;
        try
        {
            string? fromNodeExporter = null;
            for (var i = 0; i < 100 && fromNodeExporter is null && !nodeExporter.HasExited; i++)
            {
                var scraped = _lab.In("director", "curl", "-s", "-m", "2", $"http://127.0.0.1:{NodeExporterPort}/metrics");
                fromNodeExporter = scraped.ExitCode == 0 && scraped.Output.Contains("node_ipvs_", StringComparison.Ordinal) ? scraped.Output : null;
                if (fromNodeExporter is null)
                {
                    Thread.Sleep(100);
                }
            }
            Assert.That(fromNodeExporter, Is.Not.Null, "node_exporter answered");
            var fromEndpoint = Scrape(MetricsPort);

            Assert.That(IpvsSamples(fromNodeExporter!), Is.EquivalentTo(IpvsSamples(fromEndpoint)));
        }
        finally
        {
            if (!nodeExporter.HasExited)
            {
                nodeExporter.Kill();
            }
            nodeExporter.WaitForExit(10_000);
        }
    }

    [Test, Order(3)]
    public void AtStop_TheProcfsFilesGo()
    {
        _lab.StopDirector();

        Assert.That(Directory.GetFiles(Path.Combine(_procfs, "net")), Is.Empty);
    }

    private string Scrape(int port)
    {
        var scraped = _lab.In("director", "curl", "-s", "-m", "5", $"http://127.0.0.1:{port}/metrics");
        Assert.That(scraped.ExitCode, Is.Zero, scraped.Error + _lab.DirectorLog);
        return scraped.Output;
    }

    /// <summary>A sample's value by its name and labels as written (prometheus-net and node_exporter both write labels in their declared order).</summary>
    private static double Value(string exposition, string series)
    {
        var line = exposition.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            ?? throw new AssertionException($"no {series} in:\n{exposition}");
        return double.Parse(line[(series.Length + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>The node_ipvs_* sample lines, each as "name{labels sorted} value".</summary>
    private static List<string> IpvsSamples(string exposition) =>
        exposition.Split('\n').Where(line => line.StartsWith("node_ipvs_", StringComparison.Ordinal)).Select(Normalized).ToList();

    private static string Normalized(string line)
    {
        var match = SampleLine().Match(line);
        var labels = match.Groups["labels"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        var value = double.Parse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        return $"{match.Groups["name"].Value}{{{string.Join(',', labels)}}} {value.ToString(CultureInfo.InvariantCulture)}";
    }

    [GeneratedRegex("""^(?<name>[a-z_]+)(\{(?<labels>[^}]*)\})? (?<value>\S+)$""")]
    private static partial Regex SampleLine();
}
