using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Tests.Engine;

/// <summary>
/// The route a destination caches for its new connections (<see cref="Destination.Route"/>): it follows a change of
/// the default route, and a next hop found by ARP after the first connection is taken by the next ones.
/// </summary>
public sealed class DestinationRouteTests
{
    private const string Topology = """
        interface eth2 02:00:00:00:00:02 192.168.1.1/24 public
        interface eth1 02:00:00:00:00:01 192.168.139.1/24 private
        neighbor 192.168.1.50 00:50:56:00:00:50 eth2
        neighbor 192.168.139.254 00:0c:29:00:00:fe eth1
        neighbor 192.168.139.253 00:0c:29:00:00:fd eth1
        route default via 192.168.139.254
        """;

    private static readonly ServiceKey Key = new(IpProtocol.Tcp, Frame.Ip("192.168.1.199"), 80);
    private static readonly MacAddress PublicMac = Frame.Mac("02:00:00:00:00:02");
    private static readonly MacAddress PrivateMac = Frame.Mac("02:00:00:00:00:01");
    private static readonly MacAddress ClientMac = Frame.Mac("00:50:56:00:00:50");
    private const long Start = 1_700_000_000_000_000;

    private static DirectorEngine Director(string server, ForwardingMethod method)
    {
        var services = new ServiceTable(SchedulerRegistry.Create);
        services.AddService(new ServiceSpec(Key, "rr"));
        services.AddDestination(Key, new DestinationSpec(Ipv4Address.Parse(server), 80, method));
        return new DirectorEngine(TopologyParser.Parse(Topology), services, new ConnectionTable(new ConnectionTimeouts()));
    }

    private static byte[] Syn(ushort port) => Frame.Tcp(ClientMac, PublicMac, "192.168.1.50", port, "192.168.1.199", 80, syn: true);

    [Test]
    public void AChangedDefaultRoute_TakesTheNextNewConnection_ToTheNewGateway()
    {
        var engine = Director("10.20.0.5", ForwardingMethod.Tunnel);
        var output = new OutputBatch();

        Assert.That(engine.Process(Syn(40000), 0, Start, output), Is.EqualTo(FrameOutcome.Forwarded));
        var first = MacAddress.Read(output.FrameAt(0));
        output.Clear();
        engine.Topology.DefaultGateway = Ipv4Address.Parse("192.168.139.253");
        Assert.That(engine.Process(Syn(40001), 0, Start + 1, output), Is.EqualTo(FrameOutcome.Forwarded));
        var second = MacAddress.Read(output.FrameAt(0));

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(Frame.Mac("00:0c:29:00:00:fe")), "through the gateway the route named first");
            Assert.That(second, Is.EqualTo(Frame.Mac("00:0c:29:00:00:fd")), "through the gateway that replaced it, not the cached one");
        });
    }

    [Test]
    public void ANextHopResolvedAfterTheFirstConnection_IsTakenAtOnceByTheNext()
    {
        var engine = Director("192.168.139.140", ForwardingMethod.Masquerade);
        var output = new OutputBatch();
        var serverMac = Frame.Mac("00:0c:29:00:01:40");

        // The first SYN waits for ARP; the reply releases it.
        engine.Process(Syn(40000), 0, Start, output);
        var asked = output.Count == 1 && ArpFrame.Parse(output.FrameAt(0)).Operation == PacketDotNet.ArpOperation.Request;
        output.Clear();
        engine.Process(ArpFrame.Reply(serverMac, "192.168.139.140", PrivateMac, "192.168.139.1"), 1, Start + 10, output);
        var released = output.Count == 1 ? MacAddress.Read(output.FrameAt(0)) : MacAddress.Zero;
        output.Clear();
        var outcome = engine.Process(Syn(40001), 0, Start + 20, output);
        var slot = engine.Connections.FindByClient(6, Frame.Ip("192.168.1.50"), 40001, Frame.Ip("192.168.1.199"), 80, Start + 20);

        Assert.Multiple(() =>
        {
            Assert.That(asked, Is.True, "the unknown real server is asked for");
            Assert.That(released, Is.EqualTo(serverMac), "the held SYN goes once it answers");
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(output.Count, Is.EqualTo(1), "the second SYN goes straight out, no ARP");
            Assert.That(MacAddress.Read(output.FrameAt(0)), Is.EqualTo(serverMac));
            Assert.That(engine.Neighbors.TryUseCached(engine.Connections[slot].ServerNeighbor, out var held) && held == serverMac, Is.True,
                "the new connection holds the resolved neighbour's entry");
        });
    }
}
