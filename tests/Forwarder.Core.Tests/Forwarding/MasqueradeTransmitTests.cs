using System.Net;
using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Forwarding;

/// <summary>MasqueradeTransmit alone: the source (out) or destination (back in) rewritten, TTL down by one both ways, one Ethernet header.</summary>
public sealed class MasqueradeTransmitTests
{
    private static readonly MacAddress InsideMac = Frame.Mac("00:0c:29:00:01:50");

    [Test]
    public void Outgoing_LeavesFromThePublicAddressAndPort_ViaTheGateway()
    {
        var rig = new TransmitRig();
        var frame = Frame.Tcp(ServerMac(131), PrivateMac, "192.168.139.131", 5000, "203.0.113.9", 443, syn: true, ttl: 64);

        var outcome = rig.Masquerade.Outgoing(rig.Context, frame, TransmitRig.Fields(frame), Public, Frame.Ip("192.168.1.254"), Frame.Ip("192.168.1.1"), 61000);

        var sent = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Public));
            Assert.That(Frame.ParseEthernet(sent).DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(GatewayMac)));
            Assert.That(Frame.ParseEthernet(sent).SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PublicMac)));
            Assert.That(Frame.ParseIpv4(sent).SourceAddress, Is.EqualTo(IPAddress.Parse("192.168.1.1")));
            Assert.That(Frame.ParseTcp(sent).SourcePort, Is.EqualTo(61000));
            Assert.That(Frame.ParseIpv4(sent).TimeToLive, Is.EqualTo(63));
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [Test]
    public void Incoming_ToAnInsideHostNotYetResolved_WaitsUnaddressed_AndIsAddressedOnceWhenArpAnswers()
    {
        var rig = new TransmitRig();
        var frame = Frame.Tcp(GatewayMac, PublicMac, "203.0.113.9", 443, "192.168.1.1", 61000, syn: true, ack: true, ttl: 50);

        var outcome = rig.Masquerade.Incoming(rig.Context, frame, TransmitRig.Fields(frame), Private, Frame.Ip("192.168.139.150"), Frame.Ip("192.168.139.150"), 5000);
        var held = rig.Resolver.Held.Single();
        rig.Learn("192.168.139.150", InsideMac, Private);

        var released = rig.SentOfType(FrameLayout.EtherTypeIpv4).Single();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Queued));
            Assert.That(held.Frame[..14], Is.All.Zero);
            Assert.That(Frame.ParseEthernet(released).DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(InsideMac)));
            Assert.That(Frame.ParseEthernet(released).SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PrivateMac)));
            Assert.That(Frame.ParseIpv4(released).DestinationAddress, Is.EqualTo(IPAddress.Parse("192.168.139.150")));
            Assert.That(Frame.ParseTcp(released).DestinationPort, Is.EqualTo(5000));
            Assert.That(Frame.ParseIpv4(released).TimeToLive, Is.EqualTo(49));
        });
        Checksums.AssertAllValid(rig.Output);
    }
}
