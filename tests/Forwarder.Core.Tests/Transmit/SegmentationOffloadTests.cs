using System.Buffers.Binary;
using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Support;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Tests.Transmit;

/// <summary>The virtio_net_hdr each frame leaves with under --gro: what the kernel finishes and cuts, and what it leaves alone.</summary>
public sealed class SegmentationOffloadTests
{
    private static readonly MacAddress A = Frame.Mac("00:50:56:00:00:50");
    private static readonly MacAddress B = Frame.Mac("02:00:00:00:00:02");

    [Test]
    public void AMergedIpv4Segment_LongerThanTheMtu_IsCutIntoSegmentsThatFillIt()
    {
        var frame = MergedFrame.Ipv4("192.168.1.50", 40000, "192.168.139.131", 80, payload: 20_000, optionBytes: 12);

        var header = Describe(frame, 1500, out var offloaded);

        Assert.Multiple(() =>
        {
            Assert.That(offloaded, Is.True);
            Assert.That(header.Flags, Is.EqualTo(1), "VIRTIO_NET_HDR_F_NEEDS_CSUM");
            Assert.That(header.GsoType, Is.EqualTo(1), "VIRTIO_NET_HDR_GSO_TCPV4");
            Assert.That(header.HeaderLength, Is.EqualTo(14 + 20 + 32));
            Assert.That(header.GsoSize, Is.EqualTo(1500 - 20 - 32), "each segment fills the MTU with its headers");
            Assert.That((header.ChecksumStart, header.ChecksumOffset), Is.EqualTo((34, 16)));
        });
    }

    [Test]
    public void AMergedIpv6Segment_IsCutAsTcpv6()
    {
        var frame = Ipv6Frame.Tcp(A, B, "2001:db8::50", 40000, "2001:db8:139::131", 80, FrameLayout.TcpAck, payload: 8_000);
        MergedFrame.MakePartial(frame);

        var header = Describe(frame, 1500, out _);

        Assert.Multiple(() =>
        {
            Assert.That((header.Flags, header.GsoType), Is.EqualTo((1, 4)), "NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV6");
            Assert.That(header.GsoSize, Is.EqualTo(1500 - 40 - 20));
            Assert.That((header.ChecksumStart, header.ChecksumOffset), Is.EqualTo((54, 16)));
        });
    }

    [Test]
    public void APartialSegmentWithinTheMtu_IsOnlyFinished()
    {
        var frame = MergedFrame.Ipv4("192.168.1.50", 40000, "192.168.139.131", 80, payload: 100);

        var header = Describe(frame, 1500, out var offloaded);

        Assert.That((offloaded, header.Flags, header.GsoType, header.GsoSize), Is.EqualTo((true, 1, 0, 0)));
    }

    [Test]
    public void CongestionWindowReduced_MarksTheSegmentsEcn()
    {
        var frame = MergedFrame.Ipv4("192.168.1.50", 40000, "192.168.139.131", 80, payload: 5_000, flags: FrameLayout.TcpAck | 0x80);

        Assert.That(Describe(frame, 1500, out _).GsoType, Is.EqualTo(1 | 0x80), "VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN");
    }

    [Test]
    public void FramesWithNothingToFinish_LeaveWithAnEmptyHeader()
    {
        var full = Frame.Tcp(A, B, "192.168.1.50", 40000, "192.168.139.131", 80, ack: true, payload: new byte[3000]);
        var udp = Frame.Udp(A, B, "192.168.1.50", 5353, "192.168.139.131", 53, [1, 2, 3]);
        var fragment = MergedFrame.Ipv4("192.168.1.50", 40000, "192.168.139.131", 80, payload: 3000);
        BinaryPrimitives.WriteUInt16BigEndian(fragment.AsSpan(14 + 6), FrameLayout.Ipv4MoreFragments);
        var truncated = MergedFrame.Ipv4("192.168.1.50", 40000, "192.168.139.131", 80, payload: 3000)[..1000];
        var arp = Frame.ArpRequest(A, "192.168.1.50", "192.168.1.199");

        foreach (var (name, frame) in new[] { ("full checksum", full), ("udp", udp), ("fragment", fragment), ("truncated", truncated), ("arp", arp), ("runt", new byte[20]) })
        {
            var header = Describe(frame, 1500, out var offloaded);
            Assert.That((offloaded, header.Flags, header.GsoType, header.GsoSize, header.HeaderLength), Is.EqualTo((false, 0, 0, 0, 0)), name);
        }
    }

    [Test]
    public void TheHeaderIsRewrittenWhole_NothingLeftOfTheFrameBefore()
    {
        var header = new byte[SegmentationOffload.HeaderLength];
        SegmentationOffload.Describe(MergedFrame.Ipv4("192.168.1.50", 40000, "192.168.139.131", 80, payload: 9_000), 1500, header);

        SegmentationOffload.Describe(Frame.Udp(A, B, "192.168.1.50", 5353, "192.168.139.131", 53, [1]), 1500, header);

        Assert.That(header, Is.All.EqualTo(0));
    }

    private static (int Flags, int GsoType, int HeaderLength, int GsoSize, int ChecksumStart, int ChecksumOffset) Describe(byte[] frame, int mtu, out bool offloaded)
    {
        var header = new byte[SegmentationOffload.HeaderLength];
        offloaded = SegmentationOffload.Describe(frame, mtu, header);
        return (header[0], header[1], BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(2)), BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(4)),
            BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(6)), BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8)));
    }
}
