using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Engine;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Forwarding;

/// <summary>
/// Direct routing (-g), as ip_vs_dr_xmit: the frame is re-addressed at the Ethernet layer only (the real server
/// holds the VIP), so the IP packet is byte-identical but for the TTL, one lower (the kernel's decrement_ttl), and the
/// header checksum that follows it; the director sees only the client's half of the flow,
/// so TCP states follow IPVS's INPUT-ONLY table and replies are never looked up.
/// </summary>
public sealed class DirectRoutingTests
{
    [Test]
    public void ClientSyn_OnlyTheEthernetAddressesAndTheTtlChange()
    {
        var rig = new EngineRig(ForwardingMethod.DirectRoute);
        var syn = rig.ClientSyn();

        var outcome = rig.Feed(syn, Public);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
        Assert.That(rig.Output.Count, Is.EqualTo(1));
        AssertOnlyMacsAndTtlChanged(rig, syn, 131);
    }

    [Test]
    public void ClientDataSegment_IsByteIdenticalFromTheIpHeaderOn_ButOneTtlLower()
    {
        var rig = new EngineRig(ForwardingMethod.DirectRoute);
        rig.Feed(rig.ClientSyn(), Public);
        var data = Frame.Tcp(ClientMac, PublicMac, Client, 40000, Vip, 80, ack: true, ttl: 17, payload: [1, 2, 3, 4, 5, 6, 7, 8, 9]);

        var outcome = rig.Feed(data, Public);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
        AssertOnlyMacsAndTtlChanged(rig, data, 131);
    }

    [Test]
    public void UdpDatagram_OnlyTheEthernetAddressesAndTheTtlChange()
    {
        var rig = new EngineRig(ForwardingMethod.DirectRoute);
        var query = Frame.Udp(ClientMac, PublicMac, Client, 5353, Vip, 53, [0x12, 0x34, 1, 0]);

        var outcome = rig.Feed(query, Public);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
        AssertOnlyMacsAndTtlChanged(rig, query, 131);
    }

    [Test]
    public void ClientFinInEstablished_GoesToFinWaitByTheInputOnlyTable()
    {
        var rig = new EngineRig(ForwardingMethod.DirectRoute);
        rig.Feed(rig.ClientSyn(), Public);
        rig.Feed(Frame.Tcp(ClientMac, PublicMac, Client, 40000, Vip, 80, ack: true), Public);
        var slot = rig.Connections.FindByClient(6, Frame.Ip(Client), 40000, Frame.Ip(Vip), 80, rig.Now);
        var afterAck = rig.Connections[slot].State;
        var activeAfterAck = rig.TcpServer(131).ActiveConnections;

        rig.Feed(Frame.Tcp(ClientMac, PublicMac, Client, 40000, Vip, 80, ack: true, fin: true), Public);

        Assert.Multiple(() =>
        {
            Assert.That(afterAck, Is.EqualTo(TcpState.Established));
            Assert.That(activeAfterAck, Is.EqualTo(1));
            Assert.That(rig.Connections[slot].State, Is.EqualTo(TcpState.FinWait), "INPUT would give CLOSE_WAIT");
            Assert.That((rig.TcpServer(131).ActiveConnections, rig.TcpServer(131).InactiveConnections), Is.EqualTo((0, 1)));
        });
    }

    [Test]
    public void ServerSegmentOnThePrivateLink_IsNotLookedUpNorForwarded()
    {
        var rig = new EngineRig(ForwardingMethod.DirectRoute);
        rig.Feed(rig.ClientSyn(), Public);
        var slot = rig.Connections.FindByClient(6, Frame.Ip(Client), 40000, Frame.Ip(Vip), 80, rig.Now);
        var state = rig.Connections[slot].State;

        var outcome = rig.Feed(ServerSegment(131, Client, 40000, syn: true, ack: true), Private);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.NotOurs));
            Assert.That(rig.Output.Count, Is.Zero);
            Assert.That(rig.Connections[slot].State, Is.EqualTo(state));
            Assert.That(rig.TcpServer(131).Counters.OutPackets, Is.Zero);
        });
    }

    private static void AssertOnlyMacsAndTtlChanged(EngineRig rig, byte[] input, int serverOctet)
    {
        var sent = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Private));
            Assert.That(sent, Has.Length.EqualTo(input.Length));
            Assert.That(sent[..6], Is.EqualTo(Bytes(ServerMac(serverOctet))), "destination MAC: the real server's");
            Assert.That(sent[6..12], Is.EqualTo(Bytes(PrivateMac)), "source MAC: the private interface's");
            Assert.That(sent[22], Is.EqualTo(input[22] - 1), "TTL: one lower, as decrement_ttl");
            Assert.That(sent[12..], Is.EqualTo(FrameEdit.WithTtlLowered(input)[12..]), "EtherType, IP header, ports, payload, checksums: untouched but the TTL and the header checksum");
        });
        Checksums.AssertAllValid(rig.Output);
    }

    private static byte[] Bytes(Forwarder.Core.Frames.MacAddress mac)
    {
        var bytes = new byte[6];
        mac.Write(bytes);
        return bytes;
    }
}
