using System.Buffers.Binary;
using Forwarder.Core.Connections;
using Forwarder.Core.Forwarding;
using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Tests.Forwarding;

/// <summary>
/// Tunnels with IPv6 on either side (ip_vs_tunnel_xmit_v6, and ip_vs_tunnel_xmit with an IPv6 packet): IPv6-in-IPv6,
/// IPv4-in-IPv6 for an IPv4 service's IPv6 server, IPv6-in-IPv4 for an IPv6 service's IPv4 server, each with the MTU
/// rules the kernel oracle showed (Packet Too Big from the virtual address with the inner MTU, the 1280-byte floor of
/// an IPv6 tunnel, the hop limit one lower inside and out).
/// </summary>
public sealed class Ipv6TunnelTransmitTests
{
    private static readonly MacAddress ClientMac = Frame.Mac("00:50:56:00:00:50");
    private static readonly MacAddress ServerMac = Frame.Mac("00:0c:29:00:01:29");
    private static readonly InetAddress Client6 = InetAddress.Parse("2001:db8:1::50");
    private static readonly InetAddress Vip6 = InetAddress.Parse("2001:db8:1::100");
    private static readonly InetAddress Server6 = InetAddress.Parse("2001:db8:139::129");
    private static readonly InetAddress Director6 = InetAddress.Parse("2001:db8:139::1");

    private sealed class Rig
    {
        public Rig(int privateMtu)
        {
            Topology = TopologyParser.Parse($"""
                interface eth2 02:00:00:00:00:02 192.168.1.1/24 public inet6 2001:db8:1::1/64
                interface eth1 02:00:00:00:00:01 192.168.139.1/24 private mtu {privateMtu} inet6 2001:db8:139::1/64
                neighbor 192.168.1.50 00:50:56:00:00:50 eth2
                neighbor 2001:db8:1::50 00:50:56:00:00:50 eth2
                neighbor 192.168.139.129 00:0c:29:00:01:29 eth1
                neighbor 2001:db8:139::129 00:0c:29:00:01:29 eth1

                """);
            Neighbors = new NeighborTable(Topology);
            Link = new EthernetTransmitter(Topology.Interfaces.Select(i => i.Mac).ToArray(), Neighbors);
            var identification = new Ipv4Identification();
            Transmits = new TransmitTable(Topology, Link, Neighbors, identification, new LocalAnswerTransmit(Topology, Link, Neighbors, identification));
        }

        public DirectorTopology Topology { get; }

        public NeighborTable Neighbors { get; }

        public EthernetTransmitter Link { get; }

        public TransmitTable Transmits { get; }

        public OutputBatch Output { get; } = new();

        public FrameOutcome ToServer(ref Connection connection, byte[] frame)
        {
            var fields = default(PacketFields);
            var rejected = (frame[12] << 8 | frame[13]) == FrameLayout.EtherTypeIpv6 ? Ipv6Parser.Parse(frame, out fields) : Ipv4Parser.Parse(frame, out fields);
            Assert.That(rejected, Is.Null, "the frame under test parses");
            return Transmits[connection.Method].ToServer(new FrameContext(1_000_000, Output), ref connection, frame, fields);
        }

        public byte[] Sent(int index = 0) => Output.FrameAt(index).ToArray();
    }

    private static Connection Tunnel(InetAddress client, InetAddress vip, InetAddress server) => new()
    {
        Protocol = FrameLayout.ProtocolTcp,
        ClientAddress = client,
        ClientPort = 40001,
        VirtualAddress = vip,
        VirtualPort = 80,
        DestinationAddress = server,
        DestinationPort = 80,
        Method = ForwardingMethod.Tunnel,
        ServerInterface = 1,
    };

    private static byte[] Ipv6Segment(int payload, byte hopLimit = 64, byte trafficClass = 0xB8) =>
        Icmpv6ErrorFrame.Tcp(ClientMac, Frame.Mac("02:00:00:00:00:02"), "2001:db8:1::50", 40001, "2001:db8:1::100", 80, payload, hopLimit, trafficClass);

    private static byte[] Ipv4Segment(int payload, bool dontFragment)
    {
        var frame = Frame.Tcp(ClientMac, Frame.Mac("02:00:00:00:00:02"), "192.168.1.50", 40001, "192.168.1.100", 80, syn: true,
            payload: Enumerable.Range(0, payload).Select(i => (byte)i).ToArray());
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(20), dontFragment ? FrameLayout.Ipv4DontFragment : (ushort)0);
        Ipv4HeaderWriter.RecomputeChecksum(frame.AsSpan(14));
        return frame;
    }

    [Test]
    public void Ipv6InIpv6_FromTheLinksIpv6Address_HopLimitOneLowerInsideAndOut()
    {
        var rig = new Rig(1500);
        var connection = Tunnel(Client6, Vip6, Server6);
        var frame = Ipv6Segment(100);

        var outcome = rig.ToServer(ref connection, frame);

        var sent = rig.Sent();
        var expectedInner = frame[14..];
        expectedInner[7] = 63;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(sent[..6], Is.EqualTo(DirectRouteTransmitTests.Bytes(ServerMac)));
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(sent.AsSpan(12)), Is.EqualTo(FrameLayout.EtherTypeIpv6));
            Assert.That(sent[14 + 6], Is.EqualTo(TunnelEncapsulation.ProtocolIpv6));
            Assert.That(sent[14 + 7], Is.EqualTo(63));
            Assert.That(Ipv6HeaderWriter.TrafficClass(sent.AsSpan(14)), Is.EqualTo(0xB8));
            Assert.That(InetAddress.ReadIpv6(sent.AsSpan(14 + 8)), Is.EqualTo(Director6));
            Assert.That(InetAddress.ReadIpv6(sent.AsSpan(14 + 24)), Is.EqualTo(Server6));
            Assert.That(sent[54..], Is.EqualTo(expectedInner), "the inner packet, one hop older");
        }
    }

    [Test]
    public void Ipv6InIpv6_TooBig_IsPacketTooBigFromTheVip_WithTheInnerMtu()
    {
        var rig = new Rig(1350);
        var connection = Tunnel(Client6, Vip6, Server6);
        var frame = Ipv6Segment(1300 - 20 + 8);

        var outcome = rig.ToServer(ref connection, frame);

        var error = rig.Sent();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedTooBig));
            Assert.That(rig.Output.Count, Is.EqualTo(1));
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(0));
            Assert.That(error[..6], Is.EqualTo(DirectRouteTransmitTests.Bytes(ClientMac)));
            Assert.That(error.Length - 14, Is.EqualTo(1280), "the kernel oracle's: payload length 1240");
            Assert.That(InetAddress.ReadIpv6(error.AsSpan(14 + 8)), Is.EqualTo(Vip6));
            Assert.That(InetAddress.ReadIpv6(error.AsSpan(14 + 24)), Is.EqualTo(Client6));
            Assert.That(error[54], Is.EqualTo(Icmpv6Errors.PacketTooBig));
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(error.AsSpan(58)), Is.EqualTo(1310), "1350 - 40, as the oracle said");
            Assert.That(Icmpv6ErrorFrame.ChecksumSum(error), Is.EqualTo(0xFFFF));
            Assert.That(error[62 + 7], Is.EqualTo(63), "the quote shows the hop limit already lowered, as the kernel's");
            Assert.That(error[(62 + 8)..].ToArray(), Is.EqualTo(frame[(14 + 8)..(14 + 1232)]), "the rest of the quote as sent");
        }
    }

    [Test]
    public void Ipv6Tunnel_OnALinkLeavingLessThan1280_DropsWithoutAWord()
    {
        var rig = new Rig(1280);
        var connection = Tunnel(Client6, Vip6, Server6);

        var outcome = rig.ToServer(ref connection, Ipv6Segment(10));

        Assert.That((outcome, rig.Output.Count), Is.EqualTo((FrameOutcome.DroppedTooBig, 0)));
    }

    [Test]
    public void HopLimitOne_IsTimeExceededFromTheVip()
    {
        var rig = new Rig(1500);
        var connection = Tunnel(Client6, Vip6, Server6);
        var frame = Ipv6Segment(6, hopLimit: 1);

        var outcome = rig.ToServer(ref connection, frame);

        var error = rig.Sent();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedTtlExceeded));
            Assert.That(error[54], Is.EqualTo(Icmpv6Errors.TimeExceeded));
            Assert.That(error[55], Is.Zero);
            Assert.That(InetAddress.ReadIpv6(error.AsSpan(14 + 8)), Is.EqualTo(Vip6));
            Assert.That(error[62..], Is.EqualTo(frame[14..]), "the whole packet quoted");
        }
    }

    [Test]
    public void Ipv4InIpv6_ForAnIpv6Server_NextHeader4_TheInnerPacketOneTtlLower()
    {
        var rig = new Rig(1500);
        var connection = Tunnel(InetAddress.Parse("192.168.1.50"), InetAddress.Parse("192.168.1.100"), Server6);
        var frame = Ipv4Segment(20, dontFragment: true);

        var outcome = rig.ToServer(ref connection, frame);

        var sent = rig.Sent();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(sent.AsSpan(12)), Is.EqualTo(FrameLayout.EtherTypeIpv6));
            Assert.That(sent[14 + 6], Is.EqualTo(FrameLayout.ProtocolIpInIp));
            Assert.That(sent[14 + 7], Is.EqualTo(63), "the outer hop limit copies the inner TTL after decrement_ttl");
            Assert.That(InetAddress.ReadIpv6(sent.AsSpan(14 + 24)), Is.EqualTo(Server6));
            Assert.That(sent[54 + 8], Is.EqualTo(63), "the inner TTL one lower");
            Assert.That(ReferenceChecksum.IpHeaderIsValid(sent.AsSpan(40)), Is.True, "inner header checksum follows its TTL");
            Assert.That(sent[54..], Is.EqualTo(FrameEdit.WithTtlLowered(frame)[14..]));
        }
    }

    [Test]
    public void Ipv4InIpv6_TtlOne_IsTimeExceededFromTheVip_NothingTunnelled()
    {
        var rig = new Rig(1500);
        var connection = Tunnel(InetAddress.Parse("192.168.1.50"), InetAddress.Parse("192.168.1.100"), Server6);
        var frame = Ipv4Segment(20, dontFragment: true);
        frame[22] = 1;
        FrameEdit.FixIpChecksum(frame);

        var outcome = rig.ToServer(ref connection, frame);

        var error = rig.Sent();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedTtlExceeded));
            Assert.That(rig.Output.Count, Is.EqualTo(1), "the error only");
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(error.AsSpan(12)), Is.EqualTo(FrameLayout.EtherTypeIpv4));
            Assert.That(error[14 + 9], Is.EqualTo(1), "ICMP");
            Assert.That(error[14 + 20], Is.EqualTo(IcmpLayout.TimeExceeded));
            Assert.That(error[14 + 21], Is.Zero);
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(error.AsSpan(26)), Is.EqualTo(Frame.Ip("192.168.1.100")), "from the VIP");
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(error.AsSpan(30)), Is.EqualTo(Frame.Ip("192.168.1.50")));
            Assert.That(IcmpFrame.QuotedOf(error), Is.EqualTo(frame[14..]), "the packet quoted as it arrived");
        }
        Checksums.AssertValid(error);
    }

    [Test]
    public void Ipv4InIpv6_TtlTwo_IsTunnelledWithTtlOne()
    {
        var rig = new Rig(1500);
        var connection = Tunnel(InetAddress.Parse("192.168.1.50"), InetAddress.Parse("192.168.1.100"), Server6);
        var frame = Ipv4Segment(20, dontFragment: true);
        frame[22] = 2;
        FrameEdit.FixIpChecksum(frame);

        var outcome = rig.ToServer(ref connection, frame);

        var sent = rig.Sent();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(sent[14 + 7], Is.EqualTo(1), "outer hop limit");
            Assert.That(sent[54 + 8], Is.EqualTo(1), "inner TTL");
            Assert.That(ReferenceChecksum.IpHeaderIsValid(sent.AsSpan(40)), Is.True);
        }
    }

    [Test]
    public void Ipv4InIpv6_TooBigWithDf_IsFragmentationNeededWithTheInnerMtu()
    {
        var rig = new Rig(1350);
        var connection = Tunnel(InetAddress.Parse("192.168.1.50"), InetAddress.Parse("192.168.1.100"), Server6);

        var outcome = rig.ToServer(ref connection, Ipv4Segment(1300, dontFragment: true));

        var error = rig.Sent();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedTooBig));
            Assert.That(error[14 + 20], Is.EqualTo(IcmpLayout.DestinationUnreachable));
            Assert.That(error[14 + 21], Is.EqualTo(IcmpLayout.FragmentationNeeded));
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(error.AsSpan(14 + 26)), Is.EqualTo(1310), "the oracle's 'need to frag (mtu 1310)'");
        }
    }

    [Test]
    public void Ipv4InIpv6_TooBigWithoutDf_GoesInIpv6FragmentsWithinTheMtu()
    {
        var rig = new Rig(1350);
        var connection = Tunnel(InetAddress.Parse("192.168.1.50"), InetAddress.Parse("192.168.1.100"), Server6);
        var frame = Ipv4Segment(1400, dontFragment: false);

        var outcome = rig.ToServer(ref connection, frame);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Output.Count, Is.EqualTo(2));
            Assert.That(rig.Sent(0).Length - 14, Is.LessThanOrEqualTo(1350));
            Assert.That(rig.Sent(0)[14 + 6], Is.EqualTo(Ipv6Layout.Fragment));
            Assert.That(rig.Sent(0)[54..62].Skip(4).ToArray(), Is.EqualTo(rig.Sent(1)[54..62].Skip(4).ToArray()), "one identification");
            Assert.That(rig.Sent(0)[62..].Concat(rig.Sent(1)[62..]).ToArray(), Is.EqualTo(FrameEdit.WithTtlLowered(frame)[14..]), "one TTL lower, checksum following");
            Assert.That(new[] { rig.Sent(0)[14 + 7], rig.Sent(1)[14 + 7] }, Is.All.EqualTo(frame[22] - 1), "each outer hop limit: the lowered TTL");
        }
    }

    [Test]
    public void Ipv6InIpv4_ForAnIpv4Server_Protocol41_NoDf_TtlFromTheLoweredHopLimit()
    {
        var rig = new Rig(1500);
        var connection = Tunnel(Client6, Vip6, InetAddress.Parse("192.168.139.129"));
        var frame = Ipv6Segment(5, trafficClass: 0);

        var outcome = rig.ToServer(ref connection, frame);

        var sent = rig.Sent();
        var outer = Frame.ParseIpv4(sent);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(sent.AsSpan(12)), Is.EqualTo(FrameLayout.EtherTypeIpv4));
            Assert.That((byte)outer.Protocol, Is.EqualTo(41));
            Assert.That(outer.TimeToLive, Is.EqualTo(63), "the oracle's ttl 63 for a hop limit of 64");
            Assert.That(outer.FragmentFlags & 0x2, Is.Zero, "flags [none]");
            Assert.That(outer.SourceAddress.ToString(), Is.EqualTo("192.168.139.1"));
            Assert.That(outer.DestinationAddress.ToString(), Is.EqualTo("192.168.139.129"));
            Assert.That(sent[34 + 7], Is.EqualTo(63), "the inner hop limit");
            Assert.That(ReferenceChecksum.IpHeaderIsValid(sent), Is.True);
        }
    }

    [Test]
    public void Ipv6InIpv4_TooBig_IsPacketTooBigWithTheMtuLess20()
    {
        var rig = new Rig(1280);
        var connection = Tunnel(Client6, Vip6, InetAddress.Parse("192.168.139.129"));

        var outcome = rig.ToServer(ref connection, Ipv6Segment(1300 - 20 + 8));

        var error = rig.Sent();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedTooBig));
            Assert.That(error[54], Is.EqualTo(Icmpv6Errors.PacketTooBig));
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(error.AsSpan(58)), Is.EqualTo(1260), "the oracle's 'packet too big, mtu 1260'");
        }
    }
}
