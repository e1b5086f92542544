using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Forwarding;

/// <summary>DirectRouteTransmit alone (-g, ip_vs_dr_xmit): no rewrite but the TTL (one lower, decrement_ttl), a new Ethernet header to the real server's MAC, written once.</summary>
public sealed class DirectRouteTransmitTests
{
    private static readonly MacAddress LateServerMac = Frame.Mac("00:0c:29:00:01:40");

    [Test]
    public void ToServer_ChangesOnlyTheEthernetHeaderAndTheTtl()
    {
        var rig = new TransmitRig();
        var connection = TransmitRig.Connection(ForwardingMethod.DirectRoute);
        var frame = Frame.Tcp(ClientMac, PublicMac, Client, 40000, Vip, 80, ack: true, ttl: 17, payload: [1, 2, 3]);

        var outcome = rig.ToServer(ref connection, frame);

        var sent = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Private));
            Assert.That(Frame.ParseEthernet(sent).DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(ServerMac(131))));
            Assert.That(Frame.ParseEthernet(sent).SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PrivateMac)));
            Assert.That(sent[22], Is.EqualTo(16), "TTL 17 leaves as 16");
            Assert.That(ReferenceChecksum.IpHeaderIsValid(sent), Is.True, "header checksum follows the TTL");
            Assert.That(sent[12..], Is.EqualTo(FrameEdit.WithTtlLowered(frame)[12..]), "EtherType and the IP packet untouched but the TTL and the header checksum");
        });
    }

    [Test]
    public void ToServer_WithAnUnknownMac_IsHeldUnaddressed_AndReleasedByteIdenticalFromTheIpHeaderOn_ButOneTtlLower()
    {
        var rig = new TransmitRig();
        var connection = TransmitRig.Connection(ForwardingMethod.DirectRoute, serverOctet: 140);
        var frame = Frame.Tcp(ClientMac, PublicMac, Client, 40000, Vip, 80, syn: true);

        var outcome = rig.ToServer(ref connection, frame);
        var held = rig.Resolver.Held.Single();
        rig.Learn("192.168.139.140", LateServerMac, Private);

        var released = rig.SentOfType(FrameLayout.EtherTypeIpv4).Single();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Queued));
            Assert.That(held.Interface, Is.EqualTo(Private));
            Assert.That(held.Frame[..14], Is.All.Zero, "no Ethernet header while it waits");
            Assert.That(released[..6], Is.EqualTo(Bytes(LateServerMac)));
            Assert.That(released[6..12], Is.EqualTo(Bytes(PrivateMac)));
            Assert.That(released[12..], Is.EqualTo(FrameEdit.WithTtlLowered(frame)[12..]));
        });
    }

    [Test]
    public void RelayIcmpToServer_PassesTheErrorOnOneTtlLower()
    {
        var rig = new TransmitRig();
        var connection = TransmitRig.Connection(ForwardingMethod.DirectRoute);
        var frame = Frame.Udp(ClientMac, PublicMac, Client, 5353, Vip, 53, [1, 2, 3, 4]);

        var outcome = rig.Transmits[ForwardingMethod.DirectRoute].RelayIcmpToServer(rig.Context, ref connection, frame, TransmitRig.Fields(frame), default);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Sent()[12..], Is.EqualTo(FrameEdit.WithTtlLowered(frame)[12..]));
        });
    }

    internal static byte[] Bytes(MacAddress mac)
    {
        var bytes = new byte[6];
        mac.Write(bytes);
        return bytes;
    }
}
