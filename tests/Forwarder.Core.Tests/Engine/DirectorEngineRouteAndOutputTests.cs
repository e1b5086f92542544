using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Tests.Engine;

/// <summary>The drops that come from where a frame would go: no route toward it, no room to write it.</summary>
public sealed class DirectorEngineRouteAndOutputTests
{
    private const string NoGateway = """
        interface eth2 02:00:00:00:00:02 192.168.1.1/24 public
        interface eth1 02:00:00:00:00:01 192.168.139.1/24 private
        neighbor 192.168.139.129 00:0c:29:00:01:29 eth1
        neighbor 192.168.1.50 00:50:56:00:00:50 eth2
        """;

    private static readonly ServiceKey Key = new(IpProtocol.Tcp, Frame.Ip("192.168.1.199"), 80);
    private static readonly MacAddress PublicMac = Frame.Mac("02:00:00:00:00:02");

    private static (DirectorEngine Engine, ConnectionTable Connections) Director(string server)
    {
        var services = new ServiceTable(SchedulerRegistry.Create);
        services.AddService(new ServiceSpec(Key, "rr"));
        services.AddDestination(Key, new DestinationSpec(Ipv4Address.Parse(server), 80, ForwardingMethod.Masquerade));
        var connections = new ConnectionTable(new ConnectionTimeouts());
        return (new DirectorEngine(TopologyParser.Parse(NoGateway), services, connections), connections);
    }

    [Test]
    public void ClientOffEveryLink_WithoutADefaultRoute_IsDroppedNoRoute()
    {
        var (engine, connections) = Director("192.168.139.129");
        var output = new OutputBatch();
        var syn = Frame.Tcp(Frame.Mac("00:50:56:00:00:50"), PublicMac, "10.9.9.9", 40000, "192.168.1.199", 80, syn: true);

        var outcome = engine.Process(syn, 0, 1_700_000_000_000_000, output);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedNoRoute), "a NAT reply could never reach 10.9.9.9");
            Assert.That(output.Count, Is.Zero);
            Assert.That(connections.Count, Is.Zero);
            Assert.That(engine.Counters[FrameOutcome.DroppedNoRoute], Is.EqualTo(1));
        });
    }

    [Test]
    public void RealServerOffEveryLink_WithoutADefaultRoute_IsDroppedNoRoute()
    {
        var (engine, connections) = Director("172.16.0.9");
        var output = new OutputBatch();
        var syn = Frame.Tcp(Frame.Mac("00:50:56:00:00:50"), PublicMac, "192.168.1.50", 40000, "192.168.1.199", 80, syn: true);

        Assert.That(engine.Process(syn, 0, 1_700_000_000_000_000, output), Is.EqualTo(FrameOutcome.DroppedNoRoute));
        Assert.That(connections.Count, Is.Zero);
    }

    [Test]
    public void NoRoomInTheCallersBatch_IsDroppedOutputFull_AndNothingIsWritten()
    {
        var (engine, _) = Director("192.168.139.129");
        var tiny = new OutputBatch(bufferBytes: 32, maximumFrames: 4);
        var syn = Frame.Tcp(Frame.Mac("00:50:56:00:00:50"), PublicMac, "192.168.1.50", 40000, "192.168.1.199", 80, syn: true);

        var outcome = engine.Process(syn, 0, 1_700_000_000_000_000, tiny);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedOutputFull));
            Assert.That(tiny.Count, Is.Zero);
            Assert.That(engine.Counters[FrameOutcome.DroppedOutputFull], Is.EqualTo(1));
        });
    }
}
