using System.Buffers.Binary;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;

namespace Forwarder.Core.Tests.Engine;

/// <summary>
/// The director's IPv6 answers on the public link: Neighbour Advertisements for its IPv6 virtual addresses (RFC 4861)
/// and echo replies from them; everything else IPv6 stays not ours.
/// </summary>
public sealed class Ipv6AnswerTests
{
    private static readonly InetAddress Vip = InetAddress.Parse("2001:db8::113");
    private static readonly InetAddress ClientAddress = InetAddress.Parse("2001:db8::50");
    private static readonly MacAddress SolicitedNodeMac = Frame.Mac("33:33:ff:00:01:13");

    private static EngineRig WithIpv6Service()
    {
        var rig = new EngineRig();
        rig.Services.AddService(new ServiceSpec(new ServiceKey(IpProtocol.Tcp, Vip, 80), "rr"));
        return rig;
    }

    /// <summary>An IPv6 frame with an ICMPv6 message whose checksum is computed here, independently of the director's code.</summary>
    private static byte[] Icmpv6(MacAddress destinationMac, InetAddress source, InetAddress destination, byte hopLimit, byte[] message)
    {
        var frame = new byte[14 + 40 + message.Length];
        destinationMac.Write(frame);
        EngineRig.ClientMac.Write(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), FrameLayout.EtherTypeIpv6);
        frame[14] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14 + 4), (ushort)message.Length);
        frame[14 + 6] = 58;
        frame[14 + 7] = hopLimit;
        source.WriteIpv6(frame.AsSpan(14 + 8));
        destination.WriteIpv6(frame.AsSpan(14 + 24));
        message.CopyTo(frame, 54);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(54 + 2), Checksum(frame));
        return frame;
    }

    private static ushort Checksum(byte[] frame)
    {
        var length = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(14 + 4));
        var message = frame.AsSpan(54, length).ToArray();
        message[2] = message[3] = 0;
        var pseudo = new byte[40];
        frame.AsSpan(14 + 8, 32).CopyTo(pseudo);
        BinaryPrimitives.WriteUInt32BigEndian(pseudo.AsSpan(32), (uint)message.Length);
        pseudo[39] = 58;
        return InternetChecksum.Finish(InternetChecksum.Add(InternetChecksum.Add(0, pseudo), message));
    }

    private static byte[] Solicitation(InetAddress target, bool withSourceOption = true)
    {
        var message = new byte[24 + (withSourceOption ? 8 : 0)];
        message[0] = 135;
        target.WriteIpv6(message.AsSpan(8));
        if (withSourceOption)
        {
            message[24] = 1;
            message[25] = 1;
            EngineRig.ClientMac.Write(message.AsSpan(26));
        }
        return message;
    }

    [Test]
    public void SolicitationForTheVip_AtItsSolicitedNodeGroup_IsAdvertisedWithOurMac()
    {
        var rig = WithIpv6Service();
        var outcome = rig.Feed(Icmpv6(SolicitedNodeMac, ClientAddress, InetAddress.Parse("ff02::1:ff00:113"), 255, Solicitation(Vip)), EngineRig.Public);
        var sent = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Answered));
            Assert.That(MacAddress.Read(sent), Is.EqualTo(EngineRig.ClientMac));
            Assert.That(MacAddress.Read(sent.AsSpan(6)), Is.EqualTo(EngineRig.PublicMac));
            Assert.That(Ipv6Parser.Parse(sent, out var fields), Is.Null);
            Assert.That((fields.SourceAddress, fields.DestinationAddress, fields.HopLimit), Is.EqualTo((Vip, ClientAddress, (byte)255)));
            Assert.That(sent[54], Is.EqualTo(136), "a Neighbor Advertisement");
            Assert.That(sent[58], Is.EqualTo(0x60), "Solicited and Override, not Router");
            Assert.That(InetAddress.ReadIpv6(sent.AsSpan(54 + 8)), Is.EqualTo(Vip));
            Assert.That((sent[54 + 24], sent[54 + 25]), Is.EqualTo(((byte)2, (byte)1)), "the target link-layer option");
            Assert.That(MacAddress.Read(sent.AsSpan(54 + 26)), Is.EqualTo(EngineRig.PublicMac));
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(sent.AsSpan(56)), Is.EqualTo(Checksum(sent)));
        });
    }

    [Test]
    public void DuplicateAddressDetection_IsAnsweredToAllNodes_Unsolicited()
    {
        var rig = WithIpv6Service();
        var outcome = rig.Feed(Icmpv6(SolicitedNodeMac, InetAddress.Ipv6Any, InetAddress.Parse("ff02::1:ff00:113"), 255, Solicitation(Vip, withSourceOption: false)), EngineRig.Public);
        var sent = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Answered));
            Assert.That(MacAddress.Read(sent), Is.EqualTo(Frame.Mac("33:33:00:00:00:01")));
            Assert.That(InetAddress.ReadIpv6(sent.AsSpan(14 + 24)), Is.EqualTo(InetAddress.Parse("ff02::1")));
            Assert.That(sent[58], Is.EqualTo(0x20), "Override only");
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(sent.AsSpan(56)), Is.EqualTo(Checksum(sent)));
        });
    }

    [TestCase(64, TestName = "Solicitation_WithHopLimitBelow255_IsIgnored")]
    [TestCase(255, TestName = "Solicitation_ForAnAddressNotAVip_IsNotOurs")]
    public void Solicitation_NotForUs_IsNotOurs(int hopLimit)
    {
        var rig = WithIpv6Service();
        var target = hopLimit == 255 ? InetAddress.Parse("2001:db8::114") : Vip;
        var outcome = rig.Feed(Icmpv6(SolicitedNodeMac, ClientAddress, InetAddress.Parse("ff02::1:ff00:113"), (byte)hopLimit, Solicitation(target)), EngineRig.Public);
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.NotOursIpv6));
            Assert.That(rig.Output.Count, Is.Zero);
        });
    }

    [Test]
    public void Solicitation_WithABadChecksum_IsNotAnswered()
    {
        var rig = WithIpv6Service();
        var frame = Icmpv6(SolicitedNodeMac, ClientAddress, InetAddress.Parse("ff02::1:ff00:113"), 255, Solicitation(Vip));
        frame[56] ^= 0x55;
        Assert.That(rig.Feed(frame, EngineRig.Public), Is.EqualTo(FrameOutcome.NotOursIpv6));
    }

    [Test]
    public void Solicitation_OnThePrivateLink_IsNotAnswered()
    {
        var rig = WithIpv6Service();
        Assert.That(rig.Feed(Icmpv6(SolicitedNodeMac, ClientAddress, InetAddress.Parse("ff02::1:ff00:113"), 255, Solicitation(Vip)), EngineRig.Private),
            Is.EqualTo(FrameOutcome.NotOursIpv6));
    }

    [Test]
    public void EchoToTheVip_IsAnsweredFromIt()
    {
        var rig = WithIpv6Service();
        var echo = new byte[8 + 5];
        echo[0] = 128;
        BinaryPrimitives.WriteUInt16BigEndian(echo.AsSpan(4), 0x4242);
        BinaryPrimitives.WriteUInt16BigEndian(echo.AsSpan(6), 7);
        "hello"u8.CopyTo(echo.AsSpan(8));
        var outcome = rig.Feed(Icmpv6(EngineRig.PublicMac, ClientAddress, Vip, 64, echo), EngineRig.Public);
        var sent = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Answered));
            Assert.That(MacAddress.Read(sent), Is.EqualTo(EngineRig.ClientMac));
            Assert.That(Ipv6Parser.Parse(sent, out var fields), Is.Null);
            Assert.That((fields.SourceAddress, fields.DestinationAddress, fields.IcmpType, fields.SourcePort), Is.EqualTo((Vip, ClientAddress, (byte)129, (ushort)0x4242)));
            Assert.That(sent.AsSpan(54 + 6).ToArray(), Is.EqualTo(new byte[] { 0, 7, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' }));
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(sent.AsSpan(56)), Is.EqualTo(Checksum(sent)));
        });
    }
}
