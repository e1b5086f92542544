using System.Buffers.Binary;
using Forwarder.Core.Forwarding;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Forwarding;

/// <summary>
/// TunnelTransmit alone (-i, ip_vs_tunnel_xmit): the outer header, the link's MTU deciding between one packet,
/// outer fragments and "fragmentation needed", and each fragment's Ethernet header written once, also when every
/// fragment waits for ARP.
/// </summary>
public sealed class TunnelTransmitTests
{
    private const int SmallMtu = 600;
    private static readonly MacAddress LateServerMac = Frame.Mac("00:0c:29:00:01:40");

    [Test]
    public void InnerPacketThatFitsTheMtu_GoesWholeInOneOuterHeaderFromTheLinkAddress()
    {
        var rig = new TransmitRig(privateMtu: SmallMtu);
        var connection = TransmitRig.Connection(ForwardingMethod.Tunnel);
        var frame = Data(innerLength: SmallMtu - TunnelTransmit.OuterHeaderLength, dontFragment: true);

        var outcome = rig.ToServer(ref connection, frame);

        var sent = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Output.Count, Is.EqualTo(1));
            Assert.That(sent, Has.Length.EqualTo(14 + SmallMtu));
            Assert.That(sent[..6], Is.EqualTo(DirectRouteTransmitTests.Bytes(ServerMac(131))));
            Assert.That(sent[23], Is.EqualTo(FrameLayout.ProtocolIpInIp));
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(sent.AsSpan(26)), Is.EqualTo(Frame.Ip("192.168.139.1")), "from the private link's address");
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(sent.AsSpan(30)), Is.EqualTo(Frame.Ip("192.168.139.131")));
            Assert.That(sent[22], Is.EqualTo(frame[22] - 1), "the outer TTL copies the lowered inner one");
            Assert.That(sent[34..], Is.EqualTo(FrameEdit.WithTtlLowered(frame)[14..]), "the inner packet untouched but one TTL lower (decrement_ttl)");
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [Test]
    public void TooBigWithoutDontFragment_IsSplitIntoOuterFragmentsWithinTheMtu()
    {
        var rig = new TransmitRig(privateMtu: SmallMtu);
        var connection = TransmitRig.Connection(ForwardingMethod.Tunnel);
        var frame = Data(innerLength: 1040, dontFragment: false);

        var outcome = rig.ToServer(ref connection, frame);

        var fragments = rig.SentOfType(FrameLayout.EtherTypeIpv4);
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(fragments, Has.Count.EqualTo(2), "1040 bytes in pieces of (600 - 20) & ~7 = 576");
            Assert.That(fragments.Select(f => f.Length - 14), Is.All.LessThanOrEqualTo(SmallMtu));
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(fragments[0].AsSpan(20)), Is.EqualTo(FrameLayout.Ipv4MoreFragments));
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(fragments[1].AsSpan(20)), Is.EqualTo(576 / 8));
            Assert.That(fragments[1].AsSpan(18, 2).ToArray(), Is.EqualTo(fragments[0].AsSpan(18, 2).ToArray()), "one identification");
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [Test]
    public void TooBigWithDontFragment_IsDroppedAndTheClientToldTheInnerMtu()
    {
        var rig = new TransmitRig(privateMtu: SmallMtu);
        var connection = TransmitRig.Connection(ForwardingMethod.Tunnel);

        var outcome = rig.ToServer(ref connection, Data(innerLength: 1040, dontFragment: true));

        var error = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedTooBig));
            Assert.That(rig.Output.Count, Is.EqualTo(1));
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Public));
            Assert.That(error[..6], Is.EqualTo(DirectRouteTransmitTests.Bytes(ClientMac)));
            Assert.That(error[34], Is.EqualTo(3), "destination unreachable");
            Assert.That(error[35], Is.EqualTo(4), "fragmentation needed");
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(error.AsSpan(40)), Is.EqualTo(SmallMtu - 20), "next-hop MTU: what the tunnel leaves");
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(error.AsSpan(26)), Is.EqualTo(Frame.Ip(Vip)), "from the address the client sent to");
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [Test]
    public void FragmentsForAnUnknownMac_AllWaitUnaddressed_AndEachIsAddressedOnceWhenArpAnswers()
    {
        var rig = new TransmitRig(privateMtu: SmallMtu);
        var connection = TransmitRig.Connection(ForwardingMethod.Tunnel, serverOctet: 140);

        var outcome = rig.ToServer(ref connection, Data(innerLength: 1040, dontFragment: false));
        var arp = rig.SentOfType(FrameLayout.EtherTypeArp);
        rig.Learn("192.168.139.140", LateServerMac, Private);

        var released = rig.SentOfType(FrameLayout.EtherTypeIpv4);
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Queued));
            Assert.That(arp, Has.Count.EqualTo(1), "one request for both fragments");
            Assert.That(rig.Resolver.Held, Has.Count.EqualTo(2));
            Assert.That(rig.Resolver.Held.Select(h => h.Frame[..14]), Is.All.All.Zero, "no Ethernet header while they wait");
            Assert.That(released, Has.Count.EqualTo(2));
            Assert.That(released.Select(f => f[..6]), Is.All.EqualTo(DirectRouteTransmitTests.Bytes(LateServerMac)));
            Assert.That(released.Select(f => f[6..12]), Is.All.EqualTo(DirectRouteTransmitTests.Bytes(PrivateMac)));
            Assert.That(released.Select(f => f[14..]), Is.EqualTo(rig.Resolver.Held.Select(h => h.Frame[14..])));
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [Test]
    public void IcmpErrorsFromTheClientSide_AreNotTunnelled()
    {
        var rig = new TransmitRig();
        var connection = TransmitRig.Connection(ForwardingMethod.Tunnel);
        var frame = Data(innerLength: 100, dontFragment: false);

        var outcome = rig.Transmits[ForwardingMethod.Tunnel].RelayIcmpToServer(rig.Context, ref connection, frame, TransmitRig.Fields(frame), default);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.NotOurs));
            Assert.That(rig.Output.Count, Is.Zero);
        });
    }

    private static byte[] Data(int innerLength, bool dontFragment)
    {
        var payload = Enumerable.Range(0, innerLength - 40).Select(i => (byte)(i * 7)).ToArray();
        return FrameEdit.WithTosAndDontFragment(Frame.Tcp(ClientMac, PublicMac, Client, 40000, Vip, 80, ack: true, payload: payload), tos: 0, dontFragment);
    }
}
