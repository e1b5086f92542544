using System.Buffers.Binary;
using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Forwarding;

/// <summary>LocalAnswerTransmit alone: what the director sends as itself, routed and addressed like any other frame.</summary>
public sealed class LocalAnswerTransmitTests
{
    [Test]
    public void AnswerEcho_GoesBackToTheMacTheRequestCameFrom_FromTheInterfaceItCameIn()
    {
        var rig = new TransmitRig();
        var request = Frame.IcmpEcho(ClientMac, PublicMac, Client, Vip);

        var outcome = rig.Answers.AnswerEcho(rig.Context, request, TransmitRig.Fields(request), Public);

        var reply = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Answered));
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Public));
            Assert.That(reply[..6], Is.EqualTo(DirectRouteTransmitTests.Bytes(ClientMac)));
            Assert.That(reply[6..12], Is.EqualTo(DirectRouteTransmitTests.Bytes(PublicMac)));
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(12)), Is.EqualTo(FrameLayout.EtherTypeIpv4));
            Assert.That(reply[34], Is.EqualTo(IcmpLayout.EchoReply));
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [Test]
    public void SendTimeExceeded_IsFromTheLinkAddress_ToTheSendersMac()
    {
        var rig = new TransmitRig();
        var frame = Frame.Tcp(ServerMac(131), PrivateMac, "192.168.139.131", 8080, Client, 40000, ack: true, ttl: 1);

        rig.Answers.SendTimeExceeded(rig.Context, frame, TransmitRig.Fields(frame));

        var error = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Private));
            Assert.That(error[..6], Is.EqualTo(DirectRouteTransmitTests.Bytes(ServerMac(131))));
            Assert.That(error[6..12], Is.EqualTo(DirectRouteTransmitTests.Bytes(PrivateMac)));
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(error.AsSpan(26)), Is.EqualTo(Frame.Ip("192.168.139.1")));
            Assert.That(error[34], Is.EqualTo(IcmpLayout.TimeExceeded));
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [Test]
    public void SendPortUnreachable_ToAnUnresolvedClient_WaitsUnaddressedForArp()
    {
        var rig = new TransmitRig();
        var frame = Frame.Tcp(UnknownClientMac, PublicMac, UnknownClient, 40000, Vip, 80, syn: true);

        rig.Answers.SendPortUnreachable(rig.Context, frame, TransmitRig.Fields(frame));

        Assert.Multiple(() =>
        {
            Assert.That(rig.SentOfType(FrameLayout.EtherTypeIpv4), Is.Empty);
            Assert.That(rig.SentOfType(FrameLayout.EtherTypeArp), Has.Count.EqualTo(1));
            Assert.That(rig.Resolver.Held.Single().Frame[..14], Is.All.Zero);
            Assert.That(rig.Resolver.Held.Single().Frame[34], Is.EqualTo(IcmpLayout.DestinationUnreachable));
        });
    }
}
