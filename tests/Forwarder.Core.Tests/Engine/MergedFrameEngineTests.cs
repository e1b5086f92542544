using System.Buffers.Binary;
using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;

namespace Forwarder.Core.Tests.Engine;

/// <summary>
/// run --gro: GRO's merged segments (partial checksums, longer than the MTU) go through NAT whole, their checksums
/// kept partial for the kernel to finish; without it the engine takes every checksum as complete, as before.
/// </summary>
public sealed class MergedFrameEngineTests
{
    private static readonly EngineSettings Gro = new() { TakesMergedFrames = true };

    [Test]
    public void AMergedRequest_LeavesWhole_ForTheRealServer_ItsChecksumPartialForTheNewAddresses()
    {
        var rig = new EngineRig(settings: Gro);
        var server = ServerOf(rig, rig.ClientSyn());
        var merged = MergedFrame.Ipv4(EngineRig.Client, 40000, EngineRig.Vip, 80, payload: 40_000, from: EngineRig.ClientMac, to: EngineRig.PublicMac);

        var outcome = rig.Feed(merged, EngineRig.Public);

        var sent = rig.Sent();
        var (_, tcpLength) = MergedFrame.Segment(sent);
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(sent, Has.Length.EqualTo(merged.Length), "one frame, not cut");
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(sent.AsSpan(14 + 16)), Is.EqualTo(server));
            Assert.That(MergedFrame.ChecksumField(sent), Is.EqualTo(MergedFrame.PseudoHeaderSum(sent, tcpLength)));
            Assert.That(ReferenceChecksum.IpHeaderIsValid(sent), Is.True);
        });
        MergedFrame.Finish(sent);
        Assert.That(ReferenceChecksum.TransportIsValid(sent), Is.True);
    }

    [Test]
    public void AMergedReply_LeavesAsTheVirtualService_AndFinishesValid()
    {
        var rig = new EngineRig(settings: Gro);
        var server = ServerOf(rig, rig.ClientSyn());
        var serverText = new Ipv4Address(server).ToString();
        var octet = int.Parse(serverText[(serverText.LastIndexOf('.') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        rig.Feed(EngineRig.ServerSegment(octet, EngineRig.Client, 40000, syn: true, ack: true), EngineRig.Private);
        var merged = MergedFrame.Ipv4(serverText, 80, EngineRig.Client, 40000, payload: 30_000, from: EngineRig.ServerMac(octet), to: EngineRig.PrivateMac);

        Assert.That(rig.Feed(merged, EngineRig.Private), Is.EqualTo(FrameOutcome.Forwarded));
        var sent = rig.Sent();
        MergedFrame.Finish(sent);
        Assert.Multiple(() =>
        {
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(sent.AsSpan(14 + 12)), Is.EqualTo(Frame.Ip(EngineRig.Vip)));
            Assert.That(ReferenceChecksum.TransportIsValid(sent), Is.True);
        });
    }

    [Test]
    public void WithoutGro_ThePartialField_IsUpdatedAsAFullChecksum()
    {
        var rig = new EngineRig();
        rig.Feed(rig.ClientSyn(), EngineRig.Public);
        var merged = MergedFrame.Ipv4(EngineRig.Client, 40000, EngineRig.Vip, 80, payload: 2_000, from: EngineRig.ClientMac, to: EngineRig.PublicMac);

        rig.Feed(merged, EngineRig.Public);

        var sent = rig.Sent();
        var (_, tcpLength) = MergedFrame.Segment(sent);
        Assert.That(MergedFrame.ChecksumField(sent), Is.Not.EqualTo(MergedFrame.PseudoHeaderSum(sent, tcpLength)),
            "the port's change folded in too: what a complete checksum needs, and the kernel never sees a merged frame then");
    }

    [Test]
    public void AMergedIpv6Request_IsNotRefusedAsTooBig_WhereGroIsTaken()
    {
        var withGro = new Ipv6EngineRig(settings: Gro);
        var without = new Ipv6EngineRig();
        foreach (var rig in new[] { withGro, without })
        {
            rig.Feed(Ipv6EngineRig.ClientSegment(FrameLayout.TcpSyn), Ipv6EngineRig.Public);
        }
        byte[] Merged()
        {
            var frame = Ipv6EngineRig.ClientSegment(FrameLayout.TcpAck, payload: 8_000);
            MergedFrame.MakePartial(frame);
            return frame;
        }

        var taken = withGro.Feed(Merged(), Ipv6EngineRig.Public);
        var sent = withGro.Sent();
        MergedFrame.Finish(sent);

        Assert.Multiple(() =>
        {
            Assert.That(taken, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(Ipv6Frame.ChecksumHolds(sent), Is.True);
            Assert.That(without.Feed(Merged(), Ipv6EngineRig.Public), Is.EqualTo(FrameOutcome.DroppedTooBig), "as before: an 8 kB packet for a 1500-byte link");
        });
    }

    [Test]
    public void AMergedRequestForATunnel_IsCutToFitInsideTheOuterHeader_EachSegmentComplete()
    {
        var rig = new EngineRig(ForwardingMethod.Tunnel, settings: Gro);
        rig.Feed(rig.ClientSyn(), EngineRig.Public);
        var merged = MergedFrame.Ipv4(EngineRig.Client, 40000, EngineRig.Vip, 80, payload: 10_000, optionBytes: 12,
            flags: FrameLayout.TcpAck | FrameLayout.TcpPsh | FrameLayout.TcpFin, from: EngineRig.ClientMac, to: EngineRig.PublicMac);

        Assert.That(rig.Feed(merged, EngineRig.Public), Is.EqualTo(FrameOutcome.Forwarded));

        var payload = new List<byte>();
        var inners = Enumerable.Range(0, rig.Output.Count).Select(i => rig.Sent(i)[(14 + 20)..]).ToList();
        Assert.That(inners, Has.Count.EqualTo(8), "10,000 bytes in segments of 1500 - 20 - 20 - 32 = 1428");
        for (var i = 0; i < inners.Count; i++)
        {
            var segment = new byte[14].Concat(inners[i]).ToArray();
            var flags = segment[14 + 20 + 13];
            Assert.Multiple(() =>
            {
                Assert.That(rig.Sent(i), Has.Length.LessThanOrEqualTo(1514), "within the link's MTU with the outer header");
                Assert.That(ReferenceChecksum.IpHeaderIsValid(segment), Is.True);
                Assert.That(ReferenceChecksum.TransportIsValid(segment), Is.True, "complete: no device finishes a tunnelled checksum");
                Assert.That(BinaryPrimitives.ReadUInt32BigEndian(segment.AsSpan(14 + 20 + 4)), Is.EqualTo(0x1000_0000u + (uint)(i * 1428)));
                Assert.That(flags & (FrameLayout.TcpFin | FrameLayout.TcpPsh), Is.EqualTo(i == inners.Count - 1 ? FrameLayout.TcpFin | FrameLayout.TcpPsh : 0));
            });
            payload.AddRange(segment.Skip(14 + 20 + 32));
        }
        Assert.That(payload, Is.EqualTo(merged.Skip(14 + 20 + 32)), "the payload, whole and in order");
    }

    [Test]
    public void AMergedSegmentAnInsideHostSends_IsMasqueradedWhole_AndFinishesValid()
    {
        var rig = new EngineRig(extraTopology: "masquerade 192.168.139.0/24\n", settings: Gro);
        rig.Feed(Frame.Tcp(EngineRig.ServerMac(131), EngineRig.PrivateMac, "192.168.139.131", 45000, "203.0.113.9", 443, syn: true), EngineRig.Private);
        var merged = MergedFrame.Ipv4("192.168.139.131", 45000, "203.0.113.9", 443, payload: 20_000, from: EngineRig.ServerMac(131), to: EngineRig.PrivateMac);

        Assert.That(rig.Feed(merged, EngineRig.Private), Is.EqualTo(FrameOutcome.Forwarded));
        var sent = rig.Sent();
        MergedFrame.Finish(sent);
        Assert.Multiple(() =>
        {
            Assert.That(sent, Has.Length.EqualTo(merged.Length));
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(sent.AsSpan(14 + 12)), Is.EqualTo(Frame.Ip("192.168.1.1")), "from the public address");
            Assert.That(ReferenceChecksum.TransportIsValid(sent), Is.True);
        });
    }

    /// <summary>Feeds the SYN and returns the real server it went to (IPv4, host order).</summary>
    private static uint ServerOf(EngineRig rig, byte[] syn)
    {
        Assert.That(rig.Feed(syn, EngineRig.Public), Is.EqualTo(FrameOutcome.Forwarded));
        return BinaryPrimitives.ReadUInt32BigEndian(rig.Sent().AsSpan(14 + 16));
    }
}
