using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Engine;

/// <summary>
/// A full connection table under a SYN flood, as IPVS's drop_entry defence: half-open connections make room for
/// new flows, established ones are never pushed out and keep flowing, and only a table of connections worth
/// keeping refuses a new flow.
/// </summary>
public sealed class SynFloodTests
{
    private const int Maximum = 8;

    [Test]
    public void TableFilledBySynsFromDistinctClients_HoldsExactlyTheMaximum()
    {
        var rig = new EngineRig(maximumConnections: Maximum);

        var outcomes = Enumerable.Range(0, Maximum).Select(i => rig.Feed(RemoteSyn(i), Public)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(outcomes, Is.All.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Connections.Count, Is.EqualTo(Maximum));
            Assert.That(rig.Connections.EvictedEmbryonic, Is.Zero);
        });
    }

    [Test]
    public void EstablishedFlows_KeepBeingForwardedWhileNewSynsEvictHalfOpenOnes()
    {
        var rig = new EngineRig(maximumConnections: Maximum);
        var established = new[] { 0, 1 };
        foreach (var client in established)
        {
            Handshake(rig, client);
        }
        for (var client = established.Length; client < Maximum; client++)
        {
            rig.Feed(RemoteSyn(client), Public);
        }
        Assume.That(rig.Connections.Count, Is.EqualTo(Maximum));
        var floodOutcomes = new List<FrameOutcome>();
        var dataOutcomes = new List<FrameOutcome>();
        var maximumSeen = 0;

        for (var round = 0; round < 100; round++)
        {
            floodOutcomes.Add(rig.Feed(RemoteSyn(100 + round), Public));
            maximumSeen = Math.Max(maximumSeen, rig.Connections.Count);
            var client = established[round % established.Length];
            dataOutcomes.Add(rig.Feed(RemoteData(client), Public));
            dataOutcomes.Add(rig.Feed(ServerData(rig, client), Private));
            maximumSeen = Math.Max(maximumSeen, rig.Connections.Count);
        }

        Assert.Multiple(() =>
        {
            Assert.That(floodOutcomes, Is.All.EqualTo(FrameOutcome.Forwarded), "each new SYN gets a half-open entry's place");
            Assert.That(dataOutcomes, Is.All.EqualTo(FrameOutcome.Forwarded), "established flows flow on, both ways");
            Assert.That(rig.Connections.EvictedEmbryonic, Is.EqualTo(100));
            Assert.That(rig.Connections.RefusedFull, Is.Zero);
            Assert.That(maximumSeen, Is.EqualTo(Maximum));
            foreach (var client in established)
            {
                var slot = FindClient(rig, client);
                Assert.That(slot, Is.GreaterThanOrEqualTo(0), $"client {client} kept");
                Assert.That(rig.Connections[slot].State, Is.EqualTo(TcpState.Established));
            }
            var servers = new[] { 129, 130, 131 }.Select(rig.TcpServer).ToList();
            // Every entry is active: the established flows and the SYN_RECV ones alike (Linux since 4.8).
            Assert.That(servers.Sum(s => s.ActiveConnections), Is.EqualTo(Maximum));
            Assert.That(servers.Sum(s => s.ActiveConnections + s.InactiveConnections), Is.EqualTo(rig.Connections.Count), "evictions leave the server counts right");
        });
    }

    [Test]
    public void TableFullOfEstablishedConnections_SynIsDroppedTableFull()
    {
        var rig = new EngineRig(maximumConnections: Maximum);
        for (var client = 0; client < Maximum; client++)
        {
            Handshake(rig, client);
        }

        var outcome = rig.Feed(RemoteSyn(Maximum), Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedTableFull));
            Assert.That(rig.Output.Count, Is.Zero);
            Assert.That(rig.Connections.Count, Is.EqualTo(Maximum));
            Assert.That(rig.Connections.RefusedFull, Is.EqualTo(1));
            Assert.That(rig.Connections.EvictedEmbryonic, Is.Zero);
            Assert.That(rig.Engine.Counters[FrameOutcome.DroppedTableFull], Is.EqualTo(1));
        });
    }

    [Test]
    public void TableFullOfUdpFlows_SynIsDroppedTableFull()
    {
        var rig = new EngineRig(maximumConnections: Maximum);
        for (var client = 0; client < Maximum; client++)
        {
            rig.Feed(Frame.Udp(GatewayMac, PublicMac, RemoteClient(client), 5353, Vip, 53, [1, 2]), Public);
        }

        var outcome = rig.Feed(RemoteSyn(Maximum), Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedTableFull));
            Assert.That(rig.Connections.RefusedFull, Is.EqualTo(1));
        });
    }

    private static string RemoteClient(int index) => $"198.51.{index / 200}.{(index % 200) + 1}";

    private static byte[] RemoteSyn(int client) =>
        Frame.Tcp(GatewayMac, PublicMac, RemoteClient(client), 40000, Vip, 80, syn: true);

    private static byte[] RemoteData(int client) =>
        Frame.Tcp(GatewayMac, PublicMac, RemoteClient(client), 40000, Vip, 80, ack: true, payload: [1, 2, 3]);

    private static byte[] ServerData(EngineRig rig, int client)
    {
        var octet = (int)(rig.Connections[FindClient(rig, client)].DestinationAddress.Ipv4Value & 0xFF);
        return ServerSegment(octet, RemoteClient(client), 40000, ack: true);
    }

    /// <summary>Client SYN, server SYN-ACK, client ACK: the connection ends ESTABLISHED (IPVS INPUT/OUTPUT tables).</summary>
    private static void Handshake(EngineRig rig, int client)
    {
        Assert.That(rig.Feed(RemoteSyn(client), Public), Is.EqualTo(FrameOutcome.Forwarded));
        var server = Frame.ParseIpv4(rig.Sent()).DestinationAddress.GetAddressBytes()[3];
        Assert.That(rig.Feed(ServerSegment(server, RemoteClient(client), 40000, syn: true, ack: true), Private), Is.EqualTo(FrameOutcome.Forwarded));
        Assert.That(rig.Feed(Frame.Tcp(GatewayMac, PublicMac, RemoteClient(client), 40000, Vip, 80, ack: true), Public), Is.EqualTo(FrameOutcome.Forwarded));
        Assert.That(rig.Connections[FindClient(rig, client)].State, Is.EqualTo(TcpState.Established));
    }

    private static int FindClient(EngineRig rig, int client) =>
        rig.Connections.FindByClient(6, Frame.Ip(RemoteClient(client)), 40000, Frame.Ip(Vip), 80, rig.Now);
}
