using System.Buffers.Binary;
using Forwarder.Core.Frames;

namespace Forwarder.Core.Tests.Frames;

/// <summary>IPv6 frames built byte by byte: the parser's walk of extension headers and its bounds, and NAT rewrites' checksums.</summary>
public sealed class Ipv6FrameTests
{
    private static readonly InetAddress Client = InetAddress.Parse("2001:db8:1::106");
    private static readonly InetAddress Vip = InetAddress.Parse("2001:db8::113");
    private static readonly InetAddress Server = InetAddress.Parse("2001:db8:139::129");

    /// <summary>Ethernet + IPv6 + the given extension headers (each: next header is filled in) + a transport segment.</summary>
    private static byte[] Build(byte protocol, byte[] transport, params (byte Type, byte[] Body)[] extensions)
    {
        var chain = extensions.Select((e, i) => (e.Type, Body: (byte[])e.Body.Clone())).ToArray();
        for (var i = 0; i < chain.Length; i++)
        {
            chain[i].Body[0] = i + 1 < chain.Length ? chain[i + 1].Type : protocol;
        }
        var payload = chain.SelectMany(e => e.Body).Concat(transport).ToArray();
        var frame = new byte[14 + 40 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), FrameLayout.EtherTypeIpv6);
        var ip = frame.AsSpan(14);
        ip[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)payload.Length);
        ip[6] = chain.Length > 0 ? chain[0].Type : protocol;
        ip[7] = 64;
        Client.WriteIpv6(ip[8..]);
        Vip.WriteIpv6(ip[24..]);
        payload.CopyTo(ip[40..]);
        var transportOffset = 14 + 40 + (payload.Length - transport.Length);
        var checksumAt = protocol == FrameLayout.ProtocolTcp ? 16 : 6;
        if (protocol is FrameLayout.ProtocolTcp or FrameLayout.ProtocolUdp)
        {
            var checksum = TransportChecksum(frame, transportOffset, protocol);
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(transportOffset + checksumAt), checksum == 0 && protocol == FrameLayout.ProtocolUdp ? (ushort)0xFFFF : checksum);
        }
        return frame;
    }

    /// <summary>The full TCP/UDP checksum over the IPv6 pseudo-header (source, destination, length, next header) and the segment.</summary>
    private static ushort TransportChecksum(byte[] frame, int transportOffset, byte protocol)
    {
        var segment = frame.AsSpan(transportOffset).ToArray();
        var checksumAt = protocol == FrameLayout.ProtocolTcp ? 16 : 6;
        segment[checksumAt] = segment[checksumAt + 1] = 0;
        var pseudo = new byte[40];
        frame.AsSpan(14 + 8, 32).CopyTo(pseudo);
        BinaryPrimitives.WriteUInt32BigEndian(pseudo.AsSpan(32), (uint)segment.Length);
        pseudo[39] = protocol;
        return InternetChecksum.Finish(InternetChecksum.Add(InternetChecksum.Add(0, pseudo), segment));
    }

    private static bool ChecksumHolds(byte[] frame, in PacketFields fields)
    {
        var checksumAt = fields.Protocol == FrameLayout.ProtocolTcp ? 16 : 6;
        var stored = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(fields.TransportOffset + checksumAt));
        var computed = TransportChecksum(frame, fields.TransportOffset, fields.Protocol);
        return stored == computed || (computed == 0 && stored == 0xFFFF);
    }

    private static byte[] TcpSyn(ushort sourcePort = 40001, ushort destinationPort = 80, int payload = 0)
    {
        var tcp = new byte[20 + payload];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.AsSpan(4), 0x01020304);
        tcp[12] = 5 << 4;
        tcp[13] = FrameLayout.TcpSyn;
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(14), 64240);
        for (var i = 0; i < payload; i++)
        {
            tcp[20 + i] = (byte)(i * 7);
        }
        return tcp;
    }

    private static byte[] Udp(ushort sourcePort, ushort destinationPort, int payload)
    {
        var udp = new byte[8 + payload];
        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        for (var i = 0; i < payload; i++)
        {
            udp[8 + i] = (byte)(i + 1);
        }
        return udp;
    }

    private static (byte, byte[]) Options(byte type, int eightOctets = 1)
    {
        var body = new byte[8 * eightOctets];
        body[1] = (byte)(eightOctets - 1);
        body[2] = 1; // PadN over the rest
        body[3] = (byte)(body.Length - 4);
        return (type, body);
    }

    private static (byte, byte[]) FragmentHeader(ushort offsetInEights, bool more)
    {
        var body = new byte[8];
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(2), (ushort)((offsetInEights << 3) | (more ? 1 : 0)));
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(4), 0xABCD);
        return (Ipv6Layout.Fragment, body);
    }

    [Test]
    public void TcpSyn_ParsesAddressesPortsAndFlags()
    {
        var frame = Build(FrameLayout.ProtocolTcp, TcpSyn());
        Assert.Multiple(() =>
        {
            Assert.That(Ipv6Parser.Parse(frame, out var fields), Is.Null);
            Assert.That((fields.SourceAddress, fields.DestinationAddress), Is.EqualTo((Client, Vip)));
            Assert.That((fields.Protocol, fields.SourcePort, fields.DestinationPort), Is.EqualTo((FrameLayout.ProtocolTcp, (ushort)40001, (ushort)80)));
            Assert.That(fields.OpensFlow, Is.True);
            Assert.That((fields.TransportOffset, fields.TotalLength, fields.HopLimit), Is.EqualTo((54, 60, (byte)64)));
            Assert.That(fields.IsFragment, Is.False);
        });
    }

    [Test]
    public void ExtensionHeaders_AreWalkedToTheTransport()
    {
        var frame = Build(FrameLayout.ProtocolUdp, Udp(5353, 53, 12),
            Options(Ipv6Layout.HopByHopOptions), Options(Ipv6Layout.DestinationOptions, 2), Options(Ipv6Layout.Routing));
        Assert.Multiple(() =>
        {
            Assert.That(Ipv6Parser.Parse(frame, out var fields), Is.Null);
            Assert.That((fields.Protocol, fields.DestinationPort, fields.ExtensionHeaders), Is.EqualTo((FrameLayout.ProtocolUdp, (ushort)53, 3)));
            Assert.That(fields.TransportOffset, Is.EqualTo(14 + 40 + 8 + 16 + 8));
        });
    }

    [Test]
    public void TooManyExtensionHeaders_AreMalformed()
    {
        var chain = Enumerable.Range(0, Ipv6Layout.MaximumExtensionHeaders + 1).Select(_ => Options(Ipv6Layout.DestinationOptions)).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(Ipv6Parser.Parse(Build(FrameLayout.ProtocolTcp, TcpSyn(), chain), out _), Is.EqualTo(FrameOutcome.DroppedMalformed));
            Assert.That(Ipv6Parser.Parse(Build(FrameLayout.ProtocolTcp, TcpSyn(), chain[1..]), out _), Is.Null, "at the bound it is accepted");
        });
    }

    [Test]
    public void ExtensionHeaderRunningPastThePayload_IsMalformed()
    {
        var frame = Build(FrameLayout.ProtocolTcp, TcpSyn(), Options(Ipv6Layout.HopByHopOptions));
        frame[14 + 40 + 1] = 200; // claims 201 x 8 bytes
        Assert.That(Ipv6Parser.Parse(frame, out _), Is.EqualTo(FrameOutcome.DroppedMalformed));
    }

    [TestCase(0x50, TestName = "Version_NotSix_IsMalformed")]
    [TestCase(0x60, TestName = "PayloadLength_PastTheFrame_IsMalformed")]
    public void BadHeader_IsMalformed(int firstByte)
    {
        var frame = Build(FrameLayout.ProtocolTcp, TcpSyn());
        frame[14] = (byte)firstByte;
        if (firstByte == 0x60)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14 + 4), 21);
        }
        Assert.That(Ipv6Parser.Parse(frame, out _), Is.EqualTo(FrameOutcome.DroppedMalformed));
    }

    [Test]
    public void Fragments_AreMarked_AndOnlyAFirstOneGivesPorts()
    {
        var first = Build(FrameLayout.ProtocolTcp, TcpSyn(), FragmentHeader(0, more: true));
        var later = Build(FrameLayout.ProtocolTcp, TcpSyn(), FragmentHeader(185, more: false));
        var atomic = Build(FrameLayout.ProtocolTcp, TcpSyn(), FragmentHeader(0, more: false));
        Assert.Multiple(() =>
        {
            Assert.That(Ipv6Parser.Parse(first, out var a), Is.Null);
            Assert.That((a.IsFragment, a.Protocol, a.DestinationPort), Is.EqualTo((true, FrameLayout.ProtocolTcp, (ushort)80)));
            Assert.That(Ipv6Parser.Parse(later, out var b), Is.Null);
            Assert.That((b.IsFragment, b.DestinationPort), Is.EqualTo((true, (ushort)0)));
            Assert.That(Ipv6Parser.Parse(atomic, out var c), Is.Null);
            Assert.That((c.IsFragment, c.DestinationPort), Is.EqualTo((false, (ushort)80)), "an atomic fragment (offset 0, no more) is whole");
        });
    }

    [Test]
    public void Icmpv6Echo_CarriesItsIdentifierInBothPorts()
    {
        var echo = new byte[8 + 4];
        echo[0] = 128;
        BinaryPrimitives.WriteUInt16BigEndian(echo.AsSpan(4), 0x1234);
        Assert.Multiple(() =>
        {
            Assert.That(Ipv6Parser.Parse(Build(Ipv6Layout.ProtocolIcmpv6, echo), out var fields), Is.Null);
            Assert.That((fields.Protocol, fields.IcmpType, fields.SourcePort, fields.DestinationPort),
                Is.EqualTo((Ipv6Layout.ProtocolIcmpv6, (byte)128, (ushort)0x1234, (ushort)0x1234)));
        });
    }

    [TestCase(FrameLayout.ProtocolTcp, 0)]
    [TestCase(FrameLayout.ProtocolTcp, 33)]
    [TestCase(FrameLayout.ProtocolUdp, 12)]
    [TestCase(FrameLayout.ProtocolUdp, 1)]
    public void Nat_BothWays_KeepsTheTransportChecksumRight(byte protocol, int payload)
    {
        var frame = Build(protocol, protocol == FrameLayout.ProtocolTcp ? TcpSyn(payload: payload) : Udp(40001, 80, payload),
            Options(Ipv6Layout.DestinationOptions));
        Ipv6Parser.Parse(frame, out var fields);
        Ipv6HeaderRewriter.SetDestination(frame, fields, Server, 8080);
        Ipv6Parser.Parse(frame, out var toServer);
        var afterDestination = ChecksumHolds(frame, toServer);
        // The reply, made from what was sent, leaves as the virtual service again.
        Ipv6HeaderRewriter.SetSource(frame, toServer, Vip, 80);
        Ipv6Parser.Parse(frame, out var back);
        Assert.Multiple(() =>
        {
            Assert.That((toServer.DestinationAddress, toServer.DestinationPort), Is.EqualTo((Server, (ushort)8080)));
            Assert.That(afterDestination, Is.True, "checksum after DNAT");
            Assert.That((back.SourceAddress, back.SourcePort), Is.EqualTo((Vip, (ushort)80)));
            Assert.That(ChecksumHolds(frame, back), Is.True, "checksum after SNAT");
        });
    }

    [Test]
    public void UpdateAddress_EqualsAFullRecomputation_ForManyAddresses()
    {
        var random = new Random(15);
        for (var round = 0; round < 200; round++)
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            bytes[0] = 0x20;
            var address = InetAddress.ReadIpv6(bytes);
            var frame = Build(FrameLayout.ProtocolUdp, Udp((ushort)random.Next(1, 65535), 53, random.Next(0, 40)));
            Ipv6Parser.Parse(frame, out var fields);
            Ipv6HeaderRewriter.SetDestination(frame, fields, address, (ushort)random.Next(1, 65535));
            Ipv6Parser.Parse(frame, out var after);
            Assert.That(ChecksumHolds(frame, after), Is.True, $"round {round}: {address}");
        }
    }
}
