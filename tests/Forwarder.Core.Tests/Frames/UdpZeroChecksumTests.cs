using System.Buffers.Binary;
using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Support;

namespace Forwarder.Core.Tests.Frames;

/// <summary>RFC 768: a UDP checksum of 0 means "none"; a computed 0 is sent as 0xFFFF.</summary>
public sealed class UdpZeroChecksumTests
{
    private static readonly MacAddress ClientMac = Frame.Mac("00:50:56:00:00:50");
    private static readonly MacAddress DirectorMac = Frame.Mac("02:00:00:00:00:02");

    [Test]
    public void SetDestination_UdpWithoutChecksum_LeavesChecksumZero()
    {
        var frame = Frame.Udp(ClientMac, DirectorMac, "10.1.2.3", 5353, "192.168.1.199", 53, [1, 2, 3, 4]);
        SetUdpChecksum(frame, 0);

        HeaderRewriterTests.Rewrite(frame, (f, fields) => HeaderRewriter.SetDestination(f, fields, Frame.Ip("192.168.139.129"), 5300));

        Assert.Multiple(() =>
        {
            Assert.That(UdpChecksum(frame), Is.Zero);
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(36)), Is.EqualTo(5300));
            Assert.That(ReferenceChecksum.IpHeaderIsValid(frame), Is.True);
        });
    }

    [Test]
    public void SetDestination_WhenTheNewChecksumComputesToZero_WritesFfff()
    {
        // Choose a payload word so that, once rewritten to 192.168.139.129:5300, the datagram sums to 0xffff.
        var target = Frame.Udp(ClientMac, DirectorMac, "10.1.2.3", 5353, "192.168.139.129", 5300, [0, 0]);
        SetUdpChecksum(target, 0);
        var filler = (ushort)~ReferenceChecksum.TransportSum(target);
        var frame = Frame.Udp(ClientMac, DirectorMac, "10.1.2.3", 5353, "192.168.1.199", 53, [(byte)(filler >> 8), (byte)filler]);
        SetUdpChecksum(frame, 0);
        SetUdpChecksum(frame, (ushort)~ReferenceChecksum.TransportSum(frame));
        Assert.That(UdpChecksum(frame), Is.Not.Zero.And.Not.EqualTo(0xFFFF), "the original checksum is an ordinary value");

        HeaderRewriterTests.Rewrite(frame, (f, fields) => HeaderRewriter.SetDestination(f, fields, Frame.Ip("192.168.139.129"), 5300));

        var check = (byte[])frame.Clone();
        SetUdpChecksum(check, 0);
        Assert.Multiple(() =>
        {
            Assert.That((ushort)~ReferenceChecksum.TransportSum(check), Is.Zero, "the true checksum of the rewritten datagram");
            Assert.That(UdpChecksum(frame), Is.EqualTo(0xFFFF));
            Assert.That(ReferenceChecksum.TransportIsValid(frame), Is.True);
        });
    }

    [Test]
    public void SetSource_UdpWithoutChecksum_LeavesChecksumZero()
    {
        var frame = Frame.Udp(ClientMac, DirectorMac, "192.168.139.129", 53, "10.1.2.3", 5353, [1, 2, 3]);
        SetUdpChecksum(frame, 0);

        HeaderRewriterTests.Rewrite(frame, (f, fields) => HeaderRewriter.SetSource(f, fields, Frame.Ip("192.168.1.199"), 53));

        Assert.That(UdpChecksum(frame), Is.Zero);
    }

    private static ushort UdpChecksum(byte[] frame) => BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(40));

    private static void SetUdpChecksum(byte[] frame, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(40), value);
}
