using System.Buffers.Binary;
using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Support;

namespace Forwarder.Core.Tests.Frames;

/// <summary>ICMPv6 errors: the quote read as ip_vs_in_icmp_v6 reads it, the NAT rewrites of ip_vs_nat_icmp_v6, and Packet Too Big.</summary>
public sealed class Icmpv6ErrorTests
{
    private static readonly MacAddress ClientMac = Frame.Mac("02:00:00:00:00:01");
    private static readonly MacAddress DirectorMac = Frame.Mac("02:00:00:00:00:02");
    private static readonly InetAddress Client = InetAddress.Parse("2001:db8:1::106");
    private static readonly InetAddress Vip = InetAddress.Parse("2001:db8::113");
    private static readonly InetAddress Server = InetAddress.Parse("2001:db8:139::129");
    private static readonly InetAddress Router = InetAddress.Parse("2001:db8:1::1");

    private const int MessageOffset = 14 + 40;

    /// <summary>A router on the client's side reports a reply the director sent (VIP:80 to the client).</summary>
    private static byte[] ErrorFromClientSide(byte type = Icmpv6Errors.DestinationUnreachable, int quoteLength = 48 + 20)
    {
        var reply = Icmpv6ErrorFrame.Tcp(DirectorMac, ClientMac, "2001:db8::113", 80, "2001:db8:1::106", 40001, payload: 100, syn: false);
        return Icmpv6ErrorFrame.Error(ClientMac, DirectorMac, "2001:db8:1::1", "2001:db8::113", type, 0, 0, reply.AsSpan(14, Math.Min(quoteLength, reply.Length - 14)));
    }

    [Test]
    public void Quote_NamesTheFlow_AddressesPortsAndProtocol()
    {
        var frame = ErrorFromClientSide();
        Assert.That(Icmpv6QuotedPacket.TryRead(frame, MessageOffset, frame.Length, out var quoted), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(quoted.Offset, Is.EqualTo(MessageOffset + 8));
            Assert.That(quoted.TransportOffset, Is.EqualTo(MessageOffset + 8 + 40));
            Assert.That(quoted.Protocol, Is.EqualTo(FrameLayout.ProtocolTcp));
            Assert.That(quoted.SourceAddress, Is.EqualTo(Vip));
            Assert.That(quoted.DestinationAddress, Is.EqualTo(Client));
            Assert.That(quoted.SourcePort, Is.EqualTo(80));
            Assert.That(quoted.DestinationPort, Is.EqualTo(40001));
            Assert.That(quoted.IsLaterFragment, Is.False);
        }
    }

    [TestCase(39, TestName = "Quote_CutInsideTheIpv6Header_IsNoFlow")]
    [TestCase(43, TestName = "Quote_WithoutBothPorts_IsNoFlow")]
    public void Quote_TooShort_IsRefused(int quoteLength)
    {
        var frame = ErrorFromClientSide(quoteLength: quoteLength);
        Assert.That(Icmpv6QuotedPacket.TryRead(frame, MessageOffset, frame.Length, out _), Is.False);
    }

    [Test]
    public void Quote_WalksExtensionHeaders_AndALaterFragmentNamesNoPorts()
    {
        var reply = Icmpv6ErrorFrame.Tcp(DirectorMac, ClientMac, "2001:db8::113", 80, "2001:db8:1::106", 40001, syn: false);
        // Insert a Destination Options header (8 bytes) then a Fragment header, first with offset 0, then with 8.
        byte[] WithHeaders(ushort fragmentOffset)
        {
            var ip = reply.AsSpan(14).ToArray();
            var extended = new byte[ip.Length + 16];
            ip.AsSpan(0, 40).CopyTo(extended);
            extended[6] = 60;
            extended[40] = 44;
            extended[48] = 6;
            BinaryPrimitives.WriteUInt16BigEndian(extended.AsSpan(50), fragmentOffset);
            ip.AsSpan(40).CopyTo(extended.AsSpan(56));
            BinaryPrimitives.WriteUInt16BigEndian(extended.AsSpan(4), (ushort)(extended.Length - 40));
            return Icmpv6ErrorFrame.Error(ClientMac, DirectorMac, "2001:db8:1::1", "2001:db8::113", 1, 0, 0, extended);
        }
        var first = WithHeaders(0);
        var later = WithHeaders(8);
        Assert.That(Icmpv6QuotedPacket.TryRead(first, MessageOffset, first.Length, out var quoted), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(quoted.TransportOffset, Is.EqualTo(MessageOffset + 8 + 56));
            Assert.That(quoted.Protocol, Is.EqualTo(FrameLayout.ProtocolTcp));
            Assert.That(quoted.SourcePort, Is.EqualTo(80));
        }
        Assert.That(Icmpv6QuotedPacket.TryRead(later, MessageOffset, later.Length, out var fragment), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(fragment.IsLaterFragment, Is.True);
            Assert.That(fragment.SourcePort, Is.Zero);
        }
    }

    [Test]
    public void Quote_OfIpv4_IsNotAnIpv6Quote()
    {
        var ipv4 = Frame.Tcp(DirectorMac, ClientMac, "192.168.1.113", 80, "192.168.1.106", 40001);
        var frame = Icmpv6ErrorFrame.Error(ClientMac, DirectorMac, "2001:db8:1::1", "2001:db8::113", 1, 0, 0, ipv4.AsSpan(14).ToArray().Concat(new byte[40]).ToArray());
        Assert.That(Icmpv6QuotedPacket.TryRead(frame, MessageOffset, frame.Length, out _), Is.False);
    }

    [Test]
    public void TowardServer_RewritesOuterDestination_QuotedSourceAndPort_AndTheChecksumHolds()
    {
        var frame = ErrorFromClientSide(Icmpv6Errors.PacketTooBig);
        Icmpv6QuotedPacket.TryRead(frame, MessageOffset, frame.Length, out var quoted);
        Icmpv6ErrorRewriter.TowardServer(frame, MessageOffset, frame.Length, quoted, Server, 8080);
        Assert.That(Icmpv6QuotedPacket.TryRead(frame, MessageOffset, frame.Length, out var after), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(InetAddress.ReadIpv6(frame.AsSpan(14 + 24)), Is.EqualTo(Server));
            Assert.That(InetAddress.ReadIpv6(frame.AsSpan(14 + 8)), Is.EqualTo(Router));
            Assert.That(frame[14 + 7], Is.EqualTo(64), "hop limit left to the transmit");
            Assert.That(after.SourceAddress, Is.EqualTo(Server));
            Assert.That(after.SourcePort, Is.EqualTo(8080));
            Assert.That(after.DestinationAddress, Is.EqualTo(Client));
            Assert.That(after.DestinationPort, Is.EqualTo(40001));
            Assert.That(Icmpv6ErrorFrame.ChecksumSum(frame), Is.EqualTo(0xFFFF));
        }
    }

    [Test]
    public void TowardClient_RewritesOuterSource_QuotedDestinationAndPort_DropsTheHopLimit_AndTheChecksumHolds()
    {
        // The real server's router reports the client's packet as the server got it (client -> server:8080).
        var request = Icmpv6ErrorFrame.Tcp(ClientMac, DirectorMac, "2001:db8:1::106", 40001, "2001:db8:139::129", 8080, payload: 30);
        var frame = Icmpv6ErrorFrame.Error(DirectorMac, ClientMac, "2001:db8:139::129", "2001:db8:1::106", Icmpv6Errors.TimeExceeded, 0, 0, request.AsSpan(14));
        Icmpv6QuotedPacket.TryRead(frame, MessageOffset, frame.Length, out var quoted);
        Icmpv6ErrorRewriter.TowardClient(frame, MessageOffset, frame.Length, quoted, Vip, 80);
        Icmpv6QuotedPacket.TryRead(frame, MessageOffset, frame.Length, out var after);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(InetAddress.ReadIpv6(frame.AsSpan(14 + 8)), Is.EqualTo(Vip));
            Assert.That(InetAddress.ReadIpv6(frame.AsSpan(14 + 24)), Is.EqualTo(Client));
            Assert.That(frame[14 + 7], Is.EqualTo(63));
            Assert.That(after.DestinationAddress, Is.EqualTo(Vip));
            Assert.That(after.DestinationPort, Is.EqualTo(80));
            Assert.That(after.SourceAddress, Is.EqualTo(Client));
            Assert.That(after.SourcePort, Is.EqualTo(40001));
            Assert.That(Icmpv6ErrorFrame.ChecksumSum(frame), Is.EqualTo(0xFFFF));
        }
    }

    [Test]
    public void PacketTooBig_FromTheAddressSentTo_WithTheMtu_QuotingWholeWhenSmall()
    {
        var offending = Icmpv6ErrorFrame.Tcp(ClientMac, DirectorMac, "2001:db8:1::106", 40001, "2001:db8::113", 80, payload: 100)[14..];
        var frame = new byte[Icmpv6Messages.ErrorFrameLength(offending)];
        Icmpv6Messages.WriteError(frame, Icmpv6Errors.PacketTooBig, 0, 1460, offending, Vip, Client, 64);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(frame.Length, Is.EqualTo(14 + 40 + 8 + offending.Length));
            Assert.That(frame[14] >> 4, Is.EqualTo(6));
            Assert.That(frame[14 + 6], Is.EqualTo(58));
            Assert.That(frame[14 + 7], Is.EqualTo(64));
            Assert.That(InetAddress.ReadIpv6(frame.AsSpan(14 + 8)), Is.EqualTo(Vip));
            Assert.That(InetAddress.ReadIpv6(frame.AsSpan(14 + 24)), Is.EqualTo(Client));
            Assert.That(frame[MessageOffset], Is.EqualTo(2));
            Assert.That(frame[MessageOffset + 1], Is.EqualTo(0));
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(MessageOffset + 4)), Is.EqualTo(1460));
            Assert.That(frame.AsSpan(MessageOffset + 8).ToArray(), Is.EqualTo(offending));
            Assert.That(Icmpv6ErrorFrame.ChecksumSum(frame), Is.EqualTo(0xFFFF));
        }
    }

    [Test]
    public void PacketTooBig_OfALargePacket_QuotesAsMuchAsFitsIn1280()
    {
        var offending = Icmpv6ErrorFrame.Tcp(ClientMac, DirectorMac, "2001:db8:1::106", 40001, "2001:db8::113", 80, payload: 1440)[14..];
        var frame = new byte[Icmpv6Messages.ErrorFrameLength(offending)];
        Icmpv6Messages.WriteError(frame, Icmpv6Errors.PacketTooBig, 0, 1460, offending, Vip, Client, 64);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(frame.Length - 14, Is.EqualTo(1280));
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(14 + 4)), Is.EqualTo(1240));
            Assert.That(frame.AsSpan(MessageOffset + 8).ToArray(), Is.EqualTo(offending[..1232]));
            Assert.That(Icmpv6ErrorFrame.ChecksumSum(frame), Is.EqualTo(0xFFFF));
        }
    }

    [TestCase((byte)1, true)]
    [TestCase((byte)2, true)]
    [TestCase((byte)3, true)]
    [TestCase((byte)4, false)]
    [TestCase((byte)128, false)]
    [TestCase((byte)135, false)]
    public void OnlyUnreachableTooBigAndTimeExceeded_AreRelayed(byte type, bool relayed) =>
        Assert.That(Icmpv6Errors.IsRelayed(type), Is.EqualTo(relayed));
}
