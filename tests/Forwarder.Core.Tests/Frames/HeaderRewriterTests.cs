using System.Buffers.Binary;
using System.Net;
using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Support;

namespace Forwarder.Core.Tests.Frames;

public sealed class HeaderRewriterTests
{
    private static readonly MacAddress ClientMac = Frame.Mac("00:50:56:00:00:50");
    private static readonly MacAddress DirectorMac = Frame.Mac("02:00:00:00:00:02");

    [Test]
    public void SetDestination_TcpSyn_ChangesAddressAndPortAndKeepsChecksumsValid()
    {
        var frame = Frame.Tcp(ClientMac, DirectorMac, "192.168.1.50", 40000, "192.168.1.199", 80, syn: true);

        Rewrite(frame, (f, fields) => HeaderRewriter.SetDestination(f, fields, Frame.Ip("192.168.139.131"), 8080));

        var ip = Frame.ParseIpv4(frame);
        var tcp = Frame.ParseTcp(frame);
        Assert.Multiple(() =>
        {
            Assert.That(ip.DestinationAddress, Is.EqualTo(IPAddress.Parse("192.168.139.131")));
            Assert.That(tcp.DestinationPort, Is.EqualTo(8080));
            Assert.That(ip.SourceAddress, Is.EqualTo(IPAddress.Parse("192.168.1.50")));
            Assert.That(tcp.SourcePort, Is.EqualTo(40000));
            Assert.That(ip.ValidIPChecksum, Is.True);
            Assert.That(tcp.ValidTcpChecksum, Is.True);
            Assert.That(ReferenceChecksum.IpHeaderIsValid(frame), Is.True);
            Assert.That(ReferenceChecksum.TransportIsValid(frame), Is.True);
        });
    }

    [Test]
    public void SetSource_TcpWithOddPayload_ChangesAddressAndPortAndKeepsChecksumsValid()
    {
        var frame = Frame.Tcp(ClientMac, DirectorMac, "192.168.139.131", 8080, "192.168.1.50", 40000, ack: true, payload: [1, 2, 3, 4, 5]);

        Rewrite(frame, (f, fields) => HeaderRewriter.SetSource(f, fields, Frame.Ip("192.168.1.199"), 80));

        var ip = Frame.ParseIpv4(frame);
        var tcp = Frame.ParseTcp(frame);
        Assert.Multiple(() =>
        {
            Assert.That(ip.SourceAddress, Is.EqualTo(IPAddress.Parse("192.168.1.199")));
            Assert.That(tcp.SourcePort, Is.EqualTo(80));
            Assert.That(ip.DestinationAddress, Is.EqualTo(IPAddress.Parse("192.168.1.50")));
            Assert.That(tcp.DestinationPort, Is.EqualTo(40000));
            Assert.That(ip.ValidIPChecksum, Is.True);
            Assert.That(tcp.ValidTcpChecksum, Is.True);
            Assert.That(tcp.PayloadData, Is.EqualTo(new byte[] { 1, 2, 3, 4, 5 }));
        });
    }

    [Test]
    public void SetDestinationAndSource_Udp_KeepChecksumsValid()
    {
        var frame = Frame.Udp(ClientMac, DirectorMac, "10.1.2.3", 5353, "192.168.1.199", 53, [9, 8, 7]);

        Rewrite(frame, (f, fields) => HeaderRewriter.SetDestination(f, fields, Frame.Ip("192.168.139.129"), 5300));
        Rewrite(frame, (f, fields) => HeaderRewriter.SetSource(f, fields, Frame.Ip("172.16.0.9"), 1234));

        var ip = Frame.ParseIpv4(frame);
        var udp = Frame.ParseUdp(frame);
        Assert.Multiple(() =>
        {
            Assert.That(ip.DestinationAddress, Is.EqualTo(IPAddress.Parse("192.168.139.129")));
            Assert.That(udp.DestinationPort, Is.EqualTo(5300));
            Assert.That(ip.SourceAddress, Is.EqualTo(IPAddress.Parse("172.16.0.9")));
            Assert.That(udp.SourcePort, Is.EqualTo(1234));
            Assert.That(ip.ValidIPChecksum, Is.True);
            Assert.That(udp.ValidUdpChecksum, Is.True);
            Assert.That(ReferenceChecksum.TransportIsValid(frame), Is.True);
        });
    }

    [Test]
    public void Rewrites_OfManyRandomTcpAndUdpFrames_AlwaysLeaveValidChecksums()
    {
        var random = new Random(2024);
        for (var round = 0; round < 2_000; round++)
        {
            var payload = new byte[random.Next(0, 40)];
            random.NextBytes(payload);
            var source = RandomAddress(random);
            var destination = RandomAddress(random);
            var frame = random.Next(2) == 0
                ? Frame.Tcp(ClientMac, DirectorMac, source, RandomPort(random), destination, RandomPort(random), ack: true, payload: payload)
                : Frame.Udp(ClientMac, DirectorMac, source, RandomPort(random), destination, RandomPort(random), payload);
            var newAddress = Frame.Ip(RandomAddress(random));
            var newPort = RandomPort(random);
            var rewriteSource = random.Next(2) == 0;

            Rewrite(frame, (f, fields) =>
            {
                if (rewriteSource)
                {
                    HeaderRewriter.SetSource(f, fields, newAddress, newPort);
                }
                else
                {
                    HeaderRewriter.SetDestination(f, fields, newAddress, newPort);
                }
            });

            var ipOffset = 14 + (rewriteSource ? 12 : 16);
            var portOffset = 34 + (rewriteSource ? 0 : 2);
            Assert.Multiple(() =>
            {
                Assert.That(BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(ipOffset)), Is.EqualTo(newAddress), $"round {round}");
                Assert.That(BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(portOffset)), Is.EqualTo(newPort), $"round {round}");
                Assert.That(ReferenceChecksum.IpHeaderIsValid(frame), Is.True, $"round {round} ip");
                Assert.That(ReferenceChecksum.TransportIsValid(frame), Is.True, $"round {round} transport");
            });
        }
    }

    [Test]
    public void SetDestination_WithIpOptions_EditsTheTransportHeaderAfterTheOptions([Values(4, 40)] int optionBytes)
    {
        // Router Alert (4 bytes) padded with NOPs and ended with EOL: IHL 6 or 15.
        var options = new byte[optionBytes];
        Array.Fill(options, (byte)0x01);
        options[0] = 0x94;
        options[1] = 0x04;
        options[2] = 0;
        options[3] = 0;
        options[^1] = 0x00;
        var frame = FrameEdit.WithIpOptions(Frame.Tcp(ClientMac, DirectorMac, "192.168.1.50", 40000, "192.168.1.199", 80, syn: true), options);
        Assert.That(frame[14] & 0x0F, Is.EqualTo(5 + (optionBytes / 4)));

        Rewrite(frame, (f, fields) => HeaderRewriter.SetDestination(f, fields, Frame.Ip("192.168.139.130"), 8081));

        var ip = Frame.ParseIpv4(frame);
        var tcp = Frame.ParseTcp(frame);
        Assert.Multiple(() =>
        {
            Assert.That(ip.HeaderLength, Is.EqualTo(5 + (optionBytes / 4)));
            Assert.That(ip.DestinationAddress, Is.EqualTo(IPAddress.Parse("192.168.139.130")));
            Assert.That(tcp.DestinationPort, Is.EqualTo(8081));
            Assert.That(tcp.SourcePort, Is.EqualTo(40000));
            Assert.That(frame.AsSpan(34, optionBytes).ToArray(), Is.EqualTo(options), "options untouched");
            Assert.That(ip.ValidIPChecksum, Is.True);
            Assert.That(tcp.ValidTcpChecksum, Is.True);
            Assert.That(ReferenceChecksum.TransportIsValid(frame), Is.True);
        });
    }

    [Test]
    public void DecrementTtl_LowersTtlByOneAndKeepsIpChecksumValid([Values(2, 64, 128, 255)] byte ttl)
    {
        var frame = Frame.Tcp(ClientMac, DirectorMac, "192.168.139.131", 80, "192.168.1.50", 40000, syn: true, ack: true, ttl: ttl);

        HeaderRewriter.DecrementTtl(frame);

        var ip = Frame.ParseIpv4(frame);
        Assert.Multiple(() =>
        {
            Assert.That(ip.TimeToLive, Is.EqualTo(ttl - 1));
            Assert.That(ip.ValidIPChecksum, Is.True);
            Assert.That(Frame.ParseTcp(frame).ValidTcpChecksum, Is.True);
        });
    }

    [Test]
    public void DecrementTtl_OnRandomHeaders_KeepsIpChecksumValid()
    {
        var random = new Random(64);
        for (var round = 0; round < 2_000; round++)
        {
            var ttl = (byte)random.Next(2, 256);
            var frame = Frame.Udp(ClientMac, DirectorMac, RandomAddress(random), RandomPort(random), RandomAddress(random), RandomPort(random), [1], ttl);

            HeaderRewriter.DecrementTtl(frame);

            Assert.That(frame[22], Is.EqualTo(ttl - 1));
            Assert.That(ReferenceChecksum.IpHeaderIsValid(frame), Is.True, $"round {round}");
        }
    }

    [Test]
    public void SetEthernet_WritesDestinationThenSourceMac()
    {
        var frame = Frame.Tcp(ClientMac, DirectorMac, "192.168.1.50", 40000, "192.168.1.199", 80, syn: true);
        var server = Frame.Mac("00:0c:29:aa:bb:cc");
        var director = Frame.Mac("02:00:00:00:00:01");

        HeaderRewriter.SetEthernet(frame, server, director);

        Assert.Multiple(() =>
        {
            Assert.That(frame[..6], Is.EqualTo(new byte[] { 0x00, 0x0C, 0x29, 0xAA, 0xBB, 0xCC }));
            Assert.That(frame[6..12], Is.EqualTo(new byte[] { 0x02, 0, 0, 0, 0, 0x01 }));
            Assert.That(frame[12..14], Is.EqualTo(new byte[] { 0x08, 0x00 }));
        });
    }

    internal static void Rewrite(byte[] frame, Action<byte[], PacketFields> edit)
    {
        Assert.That(Ipv4Parser.Parse(frame, out var fields), Is.Null, "the frame under test parses");
        edit(frame, fields);
    }

    private static string RandomAddress(Random random) =>
        $"{random.Next(1, 224)}.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}";

    private static ushort RandomPort(Random random) => (ushort)random.Next(1, 65536);
}
