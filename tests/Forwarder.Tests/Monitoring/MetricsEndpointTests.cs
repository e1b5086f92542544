using System.Net;
using Forwarder.Core.Frames;
using Forwarder.Ipvsadm.Listing;

namespace Forwarder.Tests.Monitoring;

/// <summary>The endpoint scraped over real HTTP on a loopback port, its exposition parsed.</summary>
public sealed class MetricsEndpointTests
{
    private static readonly (string Name, string Type, string Help)[] NodeExporterFamilies =
    [
        ("node_ipvs_connections_total", "counter", "The total number of connections made."),
        ("node_ipvs_incoming_packets_total", "counter", "The total number of incoming packets."),
        ("node_ipvs_outgoing_packets_total", "counter", "The total number of outgoing packets."),
        ("node_ipvs_incoming_bytes_total", "counter", "The total amount of incoming data."),
        ("node_ipvs_outgoing_bytes_total", "counter", "The total amount of outgoing data."),
        ("node_ipvs_backend_connections_active", "gauge", "The current active connections by local and remote address."),
        ("node_ipvs_backend_connections_inactive", "gauge", "The current inactive connections by local and remote address."),
        ("node_ipvs_backend_weight", "gauge", "The current backend weight by local and remote address."),
    ];

    private EngineThread _engine = null!;
    private EngineSnapshots _snapshots = null!;
    private MetricsEndpoint _endpoint = null!;
    private HttpClient _http = null!;

    [SetUp]
    public void StartEndpoint()
    {
        _engine = new EngineThread(new KernelCaptureDirector().Engine);
        _snapshots = new EngineSnapshots(new DirectorSnapshotter(_engine.Engine, new ServiceRateEstimators()), _engine.Commands.RunOnEngineAsync);
        _endpoint = new MetricsEndpoint(MetricsAddress.Parse($"127.0.0.1:{LoopbackPort.Free()}"), _snapshots);
        _endpoint.Start();
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
    }

    [TearDown]
    public void StopEndpoint()
    {
        _http.Dispose();
        _endpoint.Dispose();
        _engine.Dispose();
    }

    [Test]
    public async Task Scrape_HasNodeExportersIpvsFamilies_WithTheirTypesAndHelp()
    {
        var scraped = await ScrapeAsync();

        foreach (var (name, type, help) in NodeExporterFamilies)
        {
            Assert.That(scraped.Types.GetValueOrDefault(name), Is.EqualTo(type), name);
            Assert.That(scraped.Help.GetValueOrDefault(name), Is.EqualTo(help), name);
        }
    }

    [Test]
    public async Task Scrape_TotalsAndBackends_AreTheEnginesFigures()
    {
        var scraped = await ScrapeAsync();

        // Ten packets from the clients (seven 40-byte TCP segments, three 32-byte UDP datagrams), seven connections.
        Assert.That(scraped.Value("node_ipvs_connections_total"), Is.EqualTo(7));
        Assert.That(scraped.Value("node_ipvs_incoming_packets_total"), Is.EqualTo(10));
        Assert.That(scraped.Value("node_ipvs_incoming_bytes_total"), Is.EqualTo(376));
        Assert.That(scraped.Value("node_ipvs_outgoing_packets_total"), Is.EqualTo(0));
        (string, string)[] web2 = [("local_address", "192.168.1.199"), ("local_port", "80"), ("remote_address", "192.168.139.31"),
            ("remote_port", "8080"), ("proto", "TCP"), ("local_mark", "")];
        Assert.That(scraped.Value("node_ipvs_backend_connections_active", web2), Is.EqualTo(2));
        Assert.That(scraped.Value("node_ipvs_backend_connections_inactive", web2), Is.EqualTo(0));
        Assert.That(scraped.Value("node_ipvs_backend_weight", web2), Is.EqualTo(3));
        (string, string)[] dns = [("local_address", "192.168.1.199"), ("local_port", "53"), ("remote_address", "192.168.139.32"),
            ("remote_port", "53"), ("proto", "UDP"), ("local_mark", "")];
        Assert.That(scraped.Value("node_ipvs_backend_connections_inactive", dns), Is.EqualTo(1));
        (string, string)[] marked = [("local_address", ""), ("local_port", "0"), ("remote_address", "192.168.139.36"),
            ("remote_port", "0"), ("proto", "FWM"), ("local_mark", "00000005")];
        Assert.That(scraped.Value("node_ipvs_backend_weight", marked), Is.EqualTo(1), "the firewall-mark service's backend, labelled as node_exporter labels it");
        Assert.That(scraped.Samples.Count(s => s.Name == "node_ipvs_backend_weight"), Is.EqualTo(9));
        Assert.That(scraped.Samples.Single(s => s.Name == "node_ipvs_backend_weight" && s.Labels["remote_port"] == "9000").Labels["proto"], Is.EqualTo("SCTP"));
    }

    [Test]
    public async Task Scrape_TheDirectorsOwnFigures_ByOutcomeAndForTheTable()
    {
        var scraped = await ScrapeAsync();

        Assert.That(scraped.Value("forwarder_frames_received_total"), Is.EqualTo(10));
        Assert.That(scraped.Types["forwarder_frames_total"], Is.EqualTo("counter"));
        // Every outcome is exported, zeros too, so a rate is defined from the first scrape.
        Assert.That(scraped.Samples.Count(s => s.Name == "forwarder_frames_total"), Is.EqualTo(Enum.GetValues<FrameOutcome>().Length));
        var byOutcome = scraped.Samples.Where(s => s.Name == "forwarder_frames_total").ToDictionary(s => s.Labels["outcome"], s => s.Value);
        Assert.That(byOutcome.Values.Sum(), Is.EqualTo(10));
        Assert.That(byOutcome["Forwarded"], Is.EqualTo(_engine.Engine.Counters[FrameOutcome.Forwarded]));
        Assert.That(scraped.Value("forwarder_connections"), Is.EqualTo(_engine.Engine.Connections.Count));
        Assert.That(scraped.Value("forwarder_connections_max"), Is.EqualTo(1 << 20));
    }

    [Test]
    public async Task TwoScrapesWithinASecond_TakeOneSnapshotOnTheEngine()
    {
        await ScrapeAsync();
        await ScrapeAsync();

        Assert.That(_snapshots.Taken, Is.EqualTo(1));
        Assert.That(_engine.StepsRun, Is.EqualTo(1));
    }

    [Test]
    public async Task AScrapeAfterTheTableChanged_DropsTheRemovedBackend_AndShowsAZeroedCounterReset()
    {
        await ScrapeAsync();
        await _engine.Commands.RunOnEngineAsync(() =>
        {
            var service = _engine.Engine.Services.Services.Single(s => s.Port == 80 && s.Protocol == Forwarder.Core.Services.IpProtocol.Tcp);
            _engine.Engine.Services.DeleteDestination(service.Key, Ipv4Address.Parse("192.168.139.31"), 8080);
            foreach (var each in _engine.Engine.Services.Services)
            {
                each.Counters.Clear();
            }
            return 0;
        }, CancellationToken.None);
        _snapshots.Publish(new DirectorSnapshotter(_engine.Engine, new ServiceRateEstimators()).Take());

        var scraped = await ScrapeAsync();

        Assert.That(scraped.Samples.Any(s => s.Name == "node_ipvs_backend_weight" && s.Labels["remote_port"] == "8080"), Is.False);
        Assert.That(scraped.Samples.Count(s => s.Name == "node_ipvs_backend_weight"), Is.EqualTo(8));
        Assert.That(scraped.Value("node_ipvs_incoming_packets_total"), Is.EqualTo(0), "a zeroed counter starts again, as Prometheus expects of a reset");
    }

    [Test]
    public void ASecondEndpointOnTheSamePort_IsRefusedWithTheAddress()
    {
        using var second = new MetricsEndpoint(_endpoint.Address, _snapshots);

        var refused = Assert.Throws<IOException>(second.Start);
        Assert.That(refused!.Message, Does.StartWith($"--metrics {_endpoint.Address}: cannot listen there ("));
    }

    [Test]
    public async Task OnlyMetrics_IsServed()
    {
        using var root = await _http.GetAsync(new Uri($"http://{_endpoint.Address}/"));

        Assert.That(root.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    private async Task<PrometheusText> ScrapeAsync() =>
        PrometheusText.Parse(await _http.GetStringAsync(new Uri($"http://{_endpoint.Address}/metrics")));
}
