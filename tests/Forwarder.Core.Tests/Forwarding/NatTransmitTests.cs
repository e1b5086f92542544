using System.Buffers.Binary;
using System.Net;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Forwarding;

/// <summary>
/// NatTransmit alone (-m, ip_vs_nat_xmit): its rewrite both ways, its next hops (the MAC the connection keeps, else
/// what ARP has learned), and one Ethernet header per frame even when the frame must wait for ARP.
/// </summary>
public sealed class NatTransmitTests
{
    private static readonly MacAddress LateServerMac = Frame.Mac("00:0c:29:00:01:40");

    [Test]
    public void ToServer_RewritesDestinationToTheRealServer_AddressedToItsMacFromThePrivateInterface()
    {
        var rig = new TransmitRig();
        var connection = TransmitRig.Connection(ForwardingMethod.Masquerade);
        var frame = Frame.Tcp(ClientMac, PublicMac, Client, 40000, Vip, 80, syn: true, ttl: 61);

        var outcome = rig.ToServer(ref connection, frame);

        var sent = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Private));
            Assert.That(Frame.ParseEthernet(sent).DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(ServerMac(131))));
            Assert.That(Frame.ParseEthernet(sent).SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PrivateMac)));
            Assert.That(Frame.ParseIpv4(sent).DestinationAddress, Is.EqualTo(IPAddress.Parse("192.168.139.131")));
            Assert.That(Frame.ParseTcp(sent).DestinationPort, Is.EqualTo(8080));
            Assert.That(Frame.ParseIpv4(sent).TimeToLive, Is.EqualTo(60), "one lower, as the kernel's decrement_ttl");
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [Test]
    public void ToServer_OnItsFirstPacket_TakesTheMacFromTheNeighbourTableAndKeepsTheEntrysHandle()
    {
        var rig = new TransmitRig();
        var connection = TransmitRig.Connection(ForwardingMethod.Masquerade);

        var outcome = rig.ToServer(ref connection, Frame.Tcp(ClientMac, PublicMac, Client, 40000, Vip, 80, syn: true));

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Neighbors.TryUseCached(connection.ServerNeighbor, out var kept) ? kept : default, Is.EqualTo(ServerMac(131)), "the static neighbour's entry, remembered");
            Assert.That(Frame.ParseEthernet(rig.Sent()).DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(ServerMac(131))));
        });
    }

    [Test]
    public void ToServer_WithAnUnknownMac_IsHeldWithoutAnEthernetHeader_AndAddressedOnceWhenArpAnswers()
    {
        var rig = new TransmitRig();
        var connection = TransmitRig.Connection(ForwardingMethod.Masquerade, serverOctet: 140);
        var frame = Frame.Tcp(ClientMac, PublicMac, Client, 40000, Vip, 80, syn: true);

        var outcome = rig.ToServer(ref connection, frame);
        var arp = rig.SentOfType(FrameLayout.EtherTypeArp);
        var beforeArp = rig.SentOfType(FrameLayout.EtherTypeIpv4);
        rig.Learn("192.168.139.140", LateServerMac, Private);

        var released = rig.SentOfType(FrameLayout.EtherTypeIpv4);
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Queued));
            Assert.That(arp, Has.Count.EqualTo(1), "one ARP request for the real server");
            Assert.That(beforeArp, Is.Empty, "nothing of the frame in the batch while it waits");
            Assert.That(rig.Resolver.Held.Single().NextHop, Is.EqualTo(Frame.Ip("192.168.139.140")));
            Assert.That(rig.Resolver.Held.Single().Frame[..14], Is.All.Zero, "the Ethernet header is not written before the MAC is known");
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(rig.Resolver.Held.Single().Frame.AsSpan(30)), Is.EqualTo(Frame.Ip("192.168.139.140")), "held already rewritten");
            Assert.That(released, Has.Count.EqualTo(1));
            Assert.That(Frame.ParseEthernet(released[0]).DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(LateServerMac)));
            Assert.That(Frame.ParseEthernet(released[0]).SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PrivateMac)));
            Assert.That(released[0][14..], Is.EqualTo(rig.Resolver.Held.Single().Frame[14..]), "released as held, from the IP header on");
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [Test]
    public void ToClient_RewritesSourceToTheVirtualService_DecrementsTtl_AndRoutesOffLinkClientsViaTheGateway()
    {
        var rig = new TransmitRig();
        var connection = TransmitRig.Connection(ForwardingMethod.Masquerade);
        connection.ClientAddress = Frame.Ip("203.0.113.9");
        var frame = Frame.Tcp(ServerMac(131), PrivateMac, "192.168.139.131", 8080, "203.0.113.9", 40000, syn: true, ack: true, ttl: 64);

        var outcome = rig.ToClient(ref connection, frame);

        var sent = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Public));
            Assert.That(Frame.ParseEthernet(sent).DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(GatewayMac)), "next hop: the default gateway");
            Assert.That(Frame.ParseEthernet(sent).SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PublicMac)));
            Assert.That(rig.Neighbors.TryUseCached(connection.ClientNeighbor, out var kept) ? kept : default, Is.EqualTo(GatewayMac));
            Assert.That(Frame.ParseIpv4(sent).SourceAddress, Is.EqualTo(IPAddress.Parse(Vip)));
            Assert.That(Frame.ParseTcp(sent).SourcePort, Is.EqualTo(80));
            Assert.That(Frame.ParseIpv4(sent).TimeToLive, Is.EqualTo(63), "routed: TTL drops by one");
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [Test]
    public void ToServer_WithTheBatchFull_IsDroppedAndNothingIsWritten()
    {
        var rig = new TransmitRig();
        while (!rig.Output.Add(Public, 60).IsEmpty)
        {
        }
        var count = rig.Output.Count;
        var connection = TransmitRig.Connection(ForwardingMethod.Masquerade);

        var outcome = rig.ToServer(ref connection, Frame.Tcp(ClientMac, PublicMac, Client, 40000, Vip, 80, syn: true));

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedOutputFull));
            Assert.That(rig.Output.Count, Is.EqualTo(count));
        });
    }
}
