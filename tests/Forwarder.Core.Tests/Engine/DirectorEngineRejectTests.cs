using System.Buffers.Binary;
using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Engine;

/// <summary>Frames that are not the director's, or that are broken: never an exception, never a forwarded frame.</summary>
public sealed class DirectorEngineRejectTests
{
    [Test]
    public void FrameForAnotherHostsMac_IsNotOurs()
    {
        var rig = new EngineRig();
        var frame = Frame.Tcp(ClientMac, Frame.Mac("02:00:00:00:00:99"), Client, 40000, Vip, 80, syn: true);

        AssertNotOurs(rig, frame, Public);
    }

    [Test]
    public void PacketToAnAddressWeDoNotServe_IsNotOurs()
    {
        var rig = new EngineRig();

        AssertNotOurs(rig, Frame.Tcp(ClientMac, PublicMac, Client, 40000, "192.168.1.198", 80, syn: true), Public);
        AssertNotOurs(rig, Frame.Tcp(ClientMac, PublicMac, Client, 40000, Vip, 8080, syn: true), Public);
        AssertNotOurs(rig, Frame.Udp(ClientMac, PublicMac, Client, 40000, Vip, 80, [1]), Public);
    }

    [Test]
    public void ServerPacketWithoutConnection_IsNotOurs()
    {
        var rig = new EngineRig();

        AssertNotOurs(rig, ServerSegment(131, Client, 40000, ack: true), Private);
    }

    [Test]
    public void ArpRequestForTheVip_IsAnsweredWithAnArpReplyAndOpensNoConnection()
    {
        var rig = new EngineRig();

        var outcome = rig.Feed(Frame.ArpRequest(ClientMac, Client, Vip), Public);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Answered));
        Assert.That(rig.Output.Count, Is.EqualTo(1));
        var arp = ArpFrame.Parse(rig.Output.FrameAt(0));
        Assert.Multiple(() =>
        {
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Public));
            Assert.That(arp.Operation, Is.EqualTo(PacketDotNet.ArpOperation.Response));
            Assert.That(arp.SenderHardwareAddress, Is.EqualTo(Frame.ToPhysical(PublicMac)));
            Assert.That(arp.SenderProtocolAddress, Is.EqualTo(System.Net.IPAddress.Parse(Vip)));
            Assert.That(arp.TargetHardwareAddress, Is.EqualTo(Frame.ToPhysical(ClientMac)));
            Assert.That(arp.TargetProtocolAddress, Is.EqualTo(System.Net.IPAddress.Parse(Client)));
            Assert.That(rig.Engine.Counters[FrameOutcome.Forwarded], Is.Zero);
            Assert.That(rig.Connections.Count, Is.Zero);
        });
    }

    [Test]
    public void Ipv6_IsNotOursIpv6()
    {
        var rig = new EngineRig();

        var outcome = rig.Feed(Frame.Ipv6Tcp(ClientMac, PublicMac), Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.NotOursIpv6));
            Assert.That(rig.Output.Count, Is.Zero);
            Assert.That(rig.Connections.Count, Is.Zero);
            Assert.That(rig.Engine.Counters[FrameOutcome.NotOursIpv6], Is.EqualTo(1));
            Assert.That(rig.Engine.Counters.Dropped, Is.Zero);
        });
    }

    [Test]
    public void IcmpEchoToTheVip_IsAnsweredWithAnEchoReplyAndNotForwarded()
    {
        var rig = new EngineRig();

        var outcome = rig.Feed(Frame.IcmpEcho(ClientMac, PublicMac, Client, Vip), Public);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Answered));
        Assert.That(rig.Output.Count, Is.EqualTo(1));
        var sent = rig.Sent();
        var ip = Frame.ParseIpv4(sent);
        Assert.Multiple(() =>
        {
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Public));
            Assert.That(ip.SourceAddress, Is.EqualTo(System.Net.IPAddress.Parse(Vip)));
            Assert.That(ip.DestinationAddress, Is.EqualTo(System.Net.IPAddress.Parse(Client)));
            Assert.That(sent[14 + 20], Is.EqualTo(0), "type 0: echo reply");
            Assert.That(rig.Engine.Counters[FrameOutcome.Forwarded], Is.Zero);
            Assert.That(rig.Connections.Count, Is.Zero);
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [Test]
    public void VlanTaggedFrame_IsDroppedVlanTagged()
    {
        var rig = new EngineRig();

        var outcome = rig.Feed(FrameEdit.WithVlanTag(rig.ClientSyn(), 100), Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedVlanTagged));
            Assert.That(rig.Output.Count, Is.Zero);
            Assert.That(rig.Engine.Counters[FrameOutcome.DroppedVlanTagged], Is.EqualTo(1));
        });
    }

    [Test]
    public void SynTruncatedAtEveryLength_IsDroppedMalformedWithoutOutput()
    {
        var rig = new EngineRig();
        var syn = rig.ClientSyn();

        for (var length = 0; length < syn.Length; length++)
        {
            var outcome = rig.Feed(syn[..length], Public);
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedMalformed), $"length {length}");
            Assert.That(rig.Output.Count, Is.Zero, $"length {length}");
        }
        Assert.Multiple(() =>
        {
            Assert.That(rig.Connections.Count, Is.Zero);
            Assert.That(rig.Engine.Counters[FrameOutcome.DroppedMalformed], Is.EqualTo(syn.Length));
            Assert.That(rig.Engine.Counters.FramesOut, Is.Zero);
        });
    }

    [Test]
    public void SynWithTruncatedTcpHeader_IsDroppedMalformed()
    {
        // The IP header says 40 bytes and the frame has them, but the TCP data offset claims 60 bytes of header.
        var rig = new EngineRig();
        var syn = rig.ClientSyn();
        syn[14 + 20 + 12] = 0xF0;

        AssertDropped(rig, syn, FrameOutcome.DroppedMalformed);
    }

    [TestCase(6)]
    [TestCase(0)]
    [TestCase(15)]
    public void BadIpVersion_IsDroppedMalformed(int version)
    {
        var rig = new EngineRig();
        var syn = rig.ClientSyn();
        syn[14] = (byte)((version << 4) | 5);
        FrameEdit.FixIpChecksum(syn);

        AssertDropped(rig, syn, FrameOutcome.DroppedMalformed);
    }

    [TestCase(0)]
    [TestCase(4)]
    [TestCase(15)]
    public void BadIhl_IsDroppedMalformed(int ihl)
    {
        var rig = new EngineRig();
        var syn = rig.ClientSyn();
        syn[14] = (byte)(0x40 | ihl);

        AssertDropped(rig, syn, FrameOutcome.DroppedMalformed);
    }

    [Test]
    public void TotalLengthLargerThanTheFrame_IsDroppedMalformed()
    {
        var rig = new EngineRig();
        var syn = rig.ClientSyn();
        BinaryPrimitives.WriteUInt16BigEndian(syn.AsSpan(16), (ushort)(syn.Length - 14 + 1));
        FrameEdit.FixIpChecksum(syn);

        AssertDropped(rig, syn, FrameOutcome.DroppedMalformed);
    }

    [Test]
    public void TotalLengthSmallerThanTheHeader_IsDroppedMalformed()
    {
        var rig = new EngineRig();
        var syn = rig.ClientSyn();
        BinaryPrimitives.WriteUInt16BigEndian(syn.AsSpan(16), 19);
        FrameEdit.FixIpChecksum(syn);

        AssertDropped(rig, syn, FrameOutcome.DroppedMalformed);
    }

    [Test]
    public void BadIpChecksum_IsDroppedBadIpChecksum()
    {
        var rig = new EngineRig();
        var syn = rig.ClientSyn();
        syn[25] ^= 0x01;

        AssertDropped(rig, syn, FrameOutcome.DroppedBadIpChecksum);
    }

    [Test]
    public void UdpLengthLargerThanTheDatagram_IsDroppedMalformed()
    {
        var rig = new EngineRig();
        var query = Frame.Udp(ClientMac, PublicMac, Client, 5353, Vip, 53, [1, 2, 3, 4]);
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(38), 200);

        AssertDropped(rig, query, FrameOutcome.DroppedMalformed);
    }

    [Test]
    public void RandomGarbageFrames_NeverThrowNorProduceOutput()
    {
        var rig = new EngineRig();
        var random = new Random(404);
        var template = rig.ClientSyn();
        for (var round = 0; round < 5_000; round++)
        {
            var frame = (byte[])template.Clone();
            var flips = random.Next(1, 6);
            for (var i = 0; i < flips; i++)
            {
                // Damage the IP and TCP headers only, leaving Ethernet addressing ours.
                frame[random.Next(14, frame.Length)] = (byte)random.Next(256);
            }
            var outcome = FrameOutcome.Forwarded;
            Assert.That(() => outcome = rig.Feed(frame, random.Next(2)), Throws.Nothing, $"round {round}");
            if (outcome != FrameOutcome.Forwarded)
            {
                Assert.That(rig.Output.Count, Is.Zero, $"round {round}: {outcome}");
            }
        }
    }

    [Test]
    public void DroppedAndNotOursFrames_AreCountedByOutcome()
    {
        var rig = new EngineRig();
        var syn = rig.ClientSyn();
        var badChecksum = (byte[])syn.Clone();
        badChecksum[25] ^= 0xFF;

        rig.Feed(syn[..20], Public);
        rig.Feed(badChecksum, Public);
        rig.Feed(Frame.Ipv6Tcp(ClientMac, PublicMac), Public);
        rig.Feed(syn, Public);

        Assert.Multiple(() =>
        {
            Assert.That(rig.Engine.Counters.FramesIn, Is.EqualTo(4));
            Assert.That(rig.Engine.Counters.FramesOut, Is.EqualTo(1));
            Assert.That(rig.Engine.Counters[FrameOutcome.DroppedMalformed], Is.EqualTo(1));
            Assert.That(rig.Engine.Counters[FrameOutcome.DroppedBadIpChecksum], Is.EqualTo(1));
            Assert.That(rig.Engine.Counters[FrameOutcome.NotOursIpv6], Is.EqualTo(1));
            Assert.That(rig.Engine.Counters[FrameOutcome.NotOurs], Is.Zero);
            Assert.That(rig.Engine.Counters[FrameOutcome.Forwarded], Is.EqualTo(1));
            Assert.That(rig.Engine.Counters.Dropped, Is.EqualTo(2));
        });
    }

    private static void AssertNotOurs(EngineRig rig, byte[] frame, int interfaceIndex)
    {
        var outcome = rig.Feed(frame, interfaceIndex);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.NotOurs));
            Assert.That(rig.Output.Count, Is.Zero);
            Assert.That(rig.Connections.Count, Is.Zero);
        });
    }

    private static void AssertDropped(EngineRig rig, byte[] frame, FrameOutcome expected)
    {
        var outcome = FrameOutcome.Forwarded;
        Assert.That(() => outcome = rig.Feed(frame, Public), Throws.Nothing);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(expected));
            Assert.That(rig.Output.Count, Is.Zero);
            Assert.That(rig.Connections.Count, Is.Zero);
            Assert.That(rig.Engine.Counters[expected], Is.EqualTo(1));
        });
    }
}
