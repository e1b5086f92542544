using System.Buffers.Binary;
using System.Net;
using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Engine;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Icmp;

/// <summary>
/// Echo (RFC 792, RFC 1122 3.2.2.6): the director answers pings to its own and virtual addresses with the same
/// identifier, sequence number and data, source and destination swapped, a fresh TTL.
/// </summary>
public sealed class EchoReplyTests
{
    private static readonly byte[] Data = Enumerable.Range(0, 33).Select(i => (byte)(0xA0 + i)).ToArray();

    [TestCase(Vip)]
    [TestCase("192.168.1.1")]
    public void EchoRequestOnThePublicLink_IsAnsweredFromTheAddressPinged(string pinged)
    {
        var rig = new EngineRig();
        var request = IcmpFrame.EchoRequest(ClientMac, PublicMac, Client, pinged, identifier: 0x1234, sequence: 7, Data, ttl: 50);

        var outcome = rig.Feed(request, Public);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Answered));
        AssertReply(rig, Public, PublicMac, ClientMac, from: pinged, to: Client, 0x1234, 7, Data);
    }

    [Test]
    public void EchoRequestToThePrivateAddress_IsAnsweredOnThePrivateLink()
    {
        var rig = new EngineRig();
        var request = IcmpFrame.EchoRequest(ServerMac(131), PrivateMac, "192.168.139.131", "192.168.139.1", identifier: 9, sequence: 65535, Data);

        var outcome = rig.Feed(request, Private);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Answered));
        AssertReply(rig, Private, PrivateMac, ServerMac(131), from: "192.168.139.1", to: "192.168.139.131", 9, 65535, Data);
    }

    [Test]
    public void EchoRequestWithIpOptions_IsAnsweredWithAPlainHeader()
    {
        var rig = new EngineRig();
        var plain = IcmpFrame.EchoRequest(ClientMac, PublicMac, Client, Vip, identifier: 0x0102, sequence: 3, Data);
        // NOP, NOP, NOP, end of options: nothing (record route, timestamp) that RFC 1122 asks to be returned.
        var request = FrameEdit.WithIpOptions(plain, [1, 1, 1, 0]);

        var outcome = rig.Feed(request, Public);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Answered));
        AssertReply(rig, Public, PublicMac, ClientMac, from: Vip, to: Client, 0x0102, 3, Data);
    }

    [Test]
    public void EchoRequestToAnAddressNotOurs_IsNotOurs()
    {
        var rig = new EngineRig();
        var request = IcmpFrame.EchoRequest(ClientMac, PublicMac, Client, "192.168.1.77", identifier: 1, sequence: 1, Data);

        var outcome = rig.Feed(request, Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.NotOurs));
            Assert.That(rig.Output.Count, Is.Zero);
        });
    }

    [Test]
    public void EchoReplyToTheVip_IsNotAnswered()
    {
        var rig = new EngineRig();
        var reply = IcmpFrame.EchoReply(ClientMac, PublicMac, Client, Vip, identifier: 1, sequence: 1, Data);

        var outcome = rig.Feed(reply, Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.NotOurs));
            Assert.That(rig.Output.Count, Is.Zero);
        });
    }

    private static void AssertReply(EngineRig rig, int link, Forwarder.Core.Frames.MacAddress linkMac, Forwarder.Core.Frames.MacAddress peerMac,
        string from, string to, ushort identifier, ushort sequence, byte[] data)
    {
        Assert.That(rig.Output.Count, Is.EqualTo(1));
        var reply = rig.Sent();
        var ethernet = Frame.ParseEthernet(reply);
        var ip = Frame.ParseIpv4(reply);
        var icmp = IcmpFrame.Parse(reply);
        var message = reply[34..];
        Assert.Multiple(() =>
        {
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(link));
            Assert.That(ethernet.DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(peerMac)));
            Assert.That(ethernet.SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(linkMac)));
            Assert.That(reply[14], Is.EqualTo(0x45), "a 20-byte header, no options");
            Assert.That(ip.TotalLength, Is.EqualTo(20 + 8 + data.Length));
            Assert.That(reply, Has.Length.EqualTo(14 + 20 + 8 + data.Length));
            Assert.That(ip.SourceAddress, Is.EqualTo(IPAddress.Parse(from)));
            Assert.That(ip.DestinationAddress, Is.EqualTo(IPAddress.Parse(to)));
            Assert.That(ip.TimeToLive, Is.EqualTo(64));
            Assert.That(ip.Protocol, Is.EqualTo(PacketDotNet.ProtocolType.Icmp));
            Assert.That(message[0], Is.EqualTo(0), "type 0: echo reply");
            Assert.That(message[1], Is.EqualTo(0), "code 0");
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(4)), Is.EqualTo(identifier));
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(6)), Is.EqualTo(sequence));
            Assert.That(message[8..], Is.EqualTo(data));
            Assert.That(icmp.ValidIcmpChecksum, Is.True);
            Assert.That(ReferenceChecksum.Sum(0, message), Is.EqualTo(0xFFFF), "ICMP checksum over an odd length");
        });
        Checksums.AssertAllValid(rig.Output);
    }
}
