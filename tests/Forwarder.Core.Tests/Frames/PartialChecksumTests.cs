using System.Buffers.Binary;
using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Support;

namespace Forwarder.Core.Tests.Frames;

/// <summary>
/// GRO's merged frames carry a partial TCP checksum: recognised, kept partial through the NAT rewrites (addresses in,
/// ports out), and right once the device finishes it.
/// </summary>
public sealed class PartialChecksumTests
{
    [Test]
    public void IsPartial_TellsTheFieldGroLeaves_FromAFullChecksum()
    {
        var merged = MergedFrame.Ipv4("192.168.1.50", 40000, "192.168.1.199", 80, payload: 20_000);
        var full = Frame.Tcp(Frame.Mac("00:50:56:00:00:50"), Frame.Mac("02:00:00:00:00:02"), "192.168.1.50", 40000, "192.168.1.199", 80,
            ack: true, payload: new byte[1000]);

        Assert.Multiple(() =>
        {
            Assert.That(Ipv4Parser.Parse(merged, out var mergedFields), Is.Null, "a 20 kB segment parses");
            Assert.That(PartialChecksum.IsPartial(merged, mergedFields), Is.True);
            Assert.That(Ipv4Parser.Parse(full, out var fullFields), Is.Null);
            Assert.That(PartialChecksum.IsPartial(full, fullFields), Is.False);
            Assert.That(ReferenceChecksum.TransportIsValid(full), Is.True);
        });
    }

    [Test]
    public void SetDestination_OfAPartialChecksum_LeavesTheNewPseudoHeader_AndFinishesValid()
    {
        var frame = MergedFrame.Ipv4("192.168.1.50", 40000, "192.168.1.199", 80, payload: 30_000);

        Rewrite(frame, (f, fields) => HeaderRewriter.SetDestination(f, fields, Frame.Ip("192.168.139.131"), 8080));

        var (_, tcpLength) = MergedFrame.Segment(frame);
        Assert.Multiple(() =>
        {
            Assert.That(MergedFrame.ChecksumField(frame), Is.EqualTo(MergedFrame.PseudoHeaderSum(frame, tcpLength)), "still partial, for the new addresses");
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(34 + 2)), Is.EqualTo(8080));
            Assert.That(ReferenceChecksum.IpHeaderIsValid(frame), Is.True);
        });
        MergedFrame.Finish(frame);
        Assert.That(ReferenceChecksum.TransportIsValid(frame), Is.True, "the device's sum over the rewritten segment verifies");
    }

    [Test]
    public void SetSource_OfAPartialChecksum_FinishesValid()
    {
        var frame = MergedFrame.Ipv4("192.168.139.131", 8080, "192.168.1.50", 40000, payload: 4_001, optionBytes: 0);

        Rewrite(frame, (f, fields) => HeaderRewriter.SetSource(f, fields, Frame.Ip("192.168.1.199"), 80));
        MergedFrame.Finish(frame);

        Assert.That(ReferenceChecksum.TransportIsValid(frame), Is.True);
    }

    [Test]
    public void Ipv6Rewrites_OfAPartialChecksum_FinishValid()
    {
        var frame = Ipv6Frame.Tcp(Frame.Mac("00:50:56:00:00:50"), Frame.Mac("02:00:00:00:00:02"), "2001:db8::50", 40000, "2001:db8::113", 80,
            FrameLayout.TcpAck, payload: 9_000);
        MergedFrame.MakePartial(frame);

        Assert.That(Ipv6Parser.Parse(frame, out var fields), Is.Null);
        Assert.That(PartialChecksum.IsPartial(frame, fields), Is.True);
        fields.ChecksumPartial = true;
        Ipv6HeaderRewriter.SetDestination(frame, fields, InetAddress.Parse("2001:db8:139::131"), 8080);
        MergedFrame.Finish(frame);

        Assert.Multiple(() =>
        {
            Assert.That(Ipv6Frame.DestinationOf(frame), Is.EqualTo(InetAddress.Parse("2001:db8:139::131")));
            Assert.That(Ipv6Frame.DestinationPortOf(frame), Is.EqualTo(8080));
            Assert.That(Ipv6Frame.ChecksumHolds(frame), Is.True);
        });
    }

    [Test]
    public void Rewrites_OfManyRandomPartialSegments_AlwaysFinishValid()
    {
        var random = new Random(20261202);
        for (var i = 0; i < 300; i++)
        {
            var frame = MergedFrame.Ipv4(RandomAddress(random), (ushort)random.Next(1, 65536), RandomAddress(random), (ushort)random.Next(1, 65536),
                payload: random.Next(0, 60_000), optionBytes: 4 * random.Next(0, 11));
            var newAddress = Frame.Ip(RandomAddress(random));
            var newPort = (ushort)random.Next(1, 65536);
            if (i % 2 == 0)
            {
                Rewrite(frame, (f, fields) => HeaderRewriter.SetDestination(f, fields, newAddress, newPort));
            }
            else
            {
                Rewrite(frame, (f, fields) => HeaderRewriter.SetSource(f, fields, newAddress, newPort));
            }
            MergedFrame.Finish(frame);
            Assert.That(ReferenceChecksum.TransportIsValid(frame), Is.True, $"frame {i}");
        }
    }

    private static void Rewrite(byte[] frame, Action<byte[], PacketFields> edit)
    {
        Assert.That(Ipv4Parser.Parse(frame, out var fields), Is.Null, "the frame under test parses");
        Assert.That(PartialChecksum.IsPartial(frame, fields), Is.True, "the frame under test is partial");
        fields.ChecksumPartial = true;
        edit(frame, fields);
    }

    private static string RandomAddress(Random random) =>
        $"{random.Next(1, 224)}.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}";
}
