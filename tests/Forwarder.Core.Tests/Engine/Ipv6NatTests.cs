using System.Buffers.Binary;
using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;

namespace Forwarder.Core.Tests.Engine;

/// <summary>
/// NAT over IPv6, as ip_vs_nat_xmit_v6 and IPVS's reply handling: the request's destination becomes the real server,
/// the reply's source the virtual service, the TCP/UDP checksum kept right through the pseudo-header's change, the
/// hop limit lowered both ways; connection states and counters as IPv4's.
/// </summary>
public sealed class Ipv6NatTests
{
    private const byte Syn = FrameLayout.TcpSyn;
    private const byte Ack = FrameLayout.TcpAck;

    [Test]
    public void ClientSyn_IsRewrittenToTheFirstRealServerOfTheRotation()
    {
        var rig = new Ipv6EngineRig();

        var outcome = rig.Feed(Ipv6EngineRig.ClientSegment(Syn), Ipv6EngineRig.Public);

        var sent = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Ipv6EngineRig.Private));
            Assert.That(MacAddress.Read(sent), Is.EqualTo(Ipv6EngineRig.ServerMac(131)), "rr: the last added first, as the seed's web3");
            Assert.That(MacAddress.Read(sent.AsSpan(6)), Is.EqualTo(EngineRig.PrivateMac));
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(sent.AsSpan(12)), Is.EqualTo(FrameLayout.EtherTypeIpv6));
            Assert.That(Ipv6Frame.SourceOf(sent), Is.EqualTo(InetAddress.Parse(Ipv6EngineRig.Client)), "NAT keeps the client's address");
            Assert.That(Ipv6Frame.DestinationOf(sent), Is.EqualTo(Ipv6EngineRig.Server(131)));
            Assert.That(Ipv6Frame.DestinationPortOf(sent), Is.EqualTo(80));
            Assert.That(Ipv6Frame.HopLimitOf(sent), Is.EqualTo(63), "decrement_ttl on the way to the real server");
            Assert.That(Ipv6Frame.ChecksumHolds(sent), Is.True);
            Assert.That(rig.Connections.Count, Is.EqualTo(1));
            Assert.That(rig.TcpServer(131).ActiveConnections + rig.TcpServer(131).InactiveConnections, Is.EqualTo(1));
        });
    }

    [Test]
    public void NewFlows_RotateAcrossTheRealServers()
    {
        var rig = new Ipv6EngineRig();
        var servers = new List<InetAddress>();
        for (ushort port = 40000; port < 40006; port++)
        {
            rig.Feed(Ipv6EngineRig.ClientSegment(Syn, port), Ipv6EngineRig.Public);
            servers.Add(Ipv6Frame.DestinationOf(rig.Sent()));
        }
        Assert.That(servers, Is.EqualTo(new[] { 131, 130, 129, 131, 130, 129 }.Select(Ipv6EngineRig.Server)));
    }

    [Test]
    public void ServerReply_LeavesAsTheVirtualService_WithTheHopLimitLowered()
    {
        var rig = new Ipv6EngineRig();
        rig.Feed(Ipv6EngineRig.ClientSegment(Syn), Ipv6EngineRig.Public);

        var outcome = rig.Feed(Ipv6EngineRig.ServerSegment(131, Syn | Ack), Ipv6EngineRig.Private);

        var sent = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Ipv6EngineRig.Public));
            Assert.That(MacAddress.Read(sent), Is.EqualTo(EngineRig.ClientMac));
            Assert.That(Ipv6Frame.SourceOf(sent), Is.EqualTo(InetAddress.Parse(Ipv6EngineRig.Vip)));
            Assert.That(Ipv6Frame.SourcePortOf(sent), Is.EqualTo(80));
            Assert.That(Ipv6Frame.DestinationOf(sent), Is.EqualTo(InetAddress.Parse(Ipv6EngineRig.Client)));
            Assert.That(Ipv6Frame.HopLimitOf(sent), Is.EqualTo(63));
            Assert.That(Ipv6Frame.ChecksumHolds(sent), Is.True);
        });
    }

    [Test]
    public void Handshake_MovesTheConnectionThroughIpv4sStates_AndCountsBothWays()
    {
        var rig = new Ipv6EngineRig();
        rig.Feed(Ipv6EngineRig.ClientSegment(Syn), Ipv6EngineRig.Public);
        var afterSyn = rig.Connections[0].State;
        rig.Feed(Ipv6EngineRig.ServerSegment(131, Syn | Ack), Ipv6EngineRig.Private);
        rig.Feed(Ipv6EngineRig.ClientSegment(Ack), Ipv6EngineRig.Public);

        var server = rig.TcpServer(131);
        Assert.Multiple(() =>
        {
            Assert.That(afterSyn, Is.EqualTo(TcpState.SynRecv));
            Assert.That(rig.Connections[0].State, Is.EqualTo(TcpState.Established));
            Assert.That(server.ActiveConnections, Is.EqualTo(1));
            Assert.That((server.Counters.Connections, server.Counters.InPackets, server.Counters.OutPackets), Is.EqualTo((1L, 2L, 1L)));
            Assert.That(server.Counters.InBytes, Is.EqualTo(2 * 60L), "IPv6 header and TCP header, as IPVS counts skb->len");
            Assert.That(server.Service.Counters.OutBytes, Is.EqualTo(60L));
        });
    }

    [Test]
    public void UdpDatagrams_GoBothWays_WithTheirChecksumsKept()
    {
        var rig = new Ipv6EngineRig();
        var request = Ipv6Frame.Udp(EngineRig.ClientMac, EngineRig.PublicMac, Ipv6EngineRig.Client, 5353, Ipv6EngineRig.Vip, 53, payload: 33);

        var toServer = rig.Feed(request, Ipv6EngineRig.Public);
        var forwarded = rig.Sent();
        var answer = Ipv6Frame.Udp(Ipv6EngineRig.ServerMac(131), EngineRig.PrivateMac, "2001:db8:139::131", 53, Ipv6EngineRig.Client, 5353, payload: 70);
        var toClient = rig.Feed(answer, Ipv6EngineRig.Private);
        var returned = rig.Sent();

        Assert.Multiple(() =>
        {
            Assert.That((toServer, toClient), Is.EqualTo((FrameOutcome.Forwarded, FrameOutcome.Forwarded)));
            Assert.That((Ipv6Frame.DestinationOf(forwarded), Ipv6Frame.DestinationPortOf(forwarded)), Is.EqualTo((Ipv6EngineRig.Server(131), (ushort)53)));
            Assert.That(Ipv6Frame.ChecksumHolds(forwarded), Is.True);
            Assert.That((Ipv6Frame.SourceOf(returned), Ipv6Frame.SourcePortOf(returned)), Is.EqualTo((InetAddress.Parse(Ipv6EngineRig.Vip), (ushort)53)));
            Assert.That(Ipv6Frame.ChecksumHolds(returned), Is.True);
        });
    }

    [Test]
    public void ClientSegmentWithHopLimitOne_IsAnsweredWithTimeExceededFromTheVip()
    {
        var rig = new Ipv6EngineRig();
        var syn = Ipv6EngineRig.ClientSegment(Syn, hopLimit: 1);

        var outcome = rig.Feed(syn, Ipv6EngineRig.Public);

        var error = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedTtlExceeded));
            Assert.That(rig.Output.Count, Is.EqualTo(1));
            Assert.That(MacAddress.Read(error), Is.EqualTo(EngineRig.ClientMac));
            Assert.That(error[14 + 6], Is.EqualTo(Ipv6Layout.ProtocolIcmpv6));
            Assert.That((error[54], error[55]), Is.EqualTo(((byte)3, (byte)0)), "time exceeded, hop limit exceeded in transit");
            Assert.That(Ipv6Frame.SourceOf(error), Is.EqualTo(InetAddress.Parse(Ipv6EngineRig.Vip)), "icmp6_send answers from the local address the packet was for");
            Assert.That(Ipv6Frame.DestinationOf(error), Is.EqualTo(InetAddress.Parse(Ipv6EngineRig.Client)));
            Assert.That(error.AsSpan(62).ToArray(), Is.EqualTo(syn.AsSpan(14).ToArray()), "the offending packet quoted whole");
            Assert.That(Icmpv6Messages.Checksum(Ipv6Frame.SourceOf(error), Ipv6Frame.DestinationOf(error), error.AsSpan(54)), Is.Zero);
        });
    }

    [Test]
    public void ReplyWithHopLimitOne_IsAnsweredWithTimeExceededFromTheDirectorsPrivateAddress()
    {
        var rig = new Ipv6EngineRig();
        rig.Feed(Ipv6EngineRig.ClientSegment(Syn), Ipv6EngineRig.Public);

        var outcome = rig.Feed(Ipv6EngineRig.ServerSegment(131, Syn | Ack, hopLimit: 1), Ipv6EngineRig.Private);

        var error = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedTtlExceeded));
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Ipv6EngineRig.Private));
            Assert.That(Ipv6Frame.SourceOf(error), Is.EqualTo(InetAddress.Parse(Ipv6EngineRig.DirectorPrivate)));
            Assert.That(Ipv6Frame.DestinationOf(error), Is.EqualTo(Ipv6EngineRig.Server(131)));
            Assert.That(rig.Connections[0].State, Is.EqualTo(TcpState.SynRecv), "as ip6_forward: dropped before IPVS sees it");
        });
    }

    [Test]
    public void ServiceWithoutRealServers_AnswersPortUnreachableInIcmpv6()
    {
        var rig = new Ipv6EngineRig();
        foreach (var host in new[] { 129, 130, 131 })
        {
            rig.Services.DeleteDestination(Ipv6EngineRig.TcpKey, Ipv6EngineRig.Server(host), 80);
        }

        var outcome = rig.Feed(Ipv6EngineRig.ClientSegment(Syn), Ipv6EngineRig.Public);

        var error = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedNoDestination));
            Assert.That((error[54], error[55]), Is.EqualTo(((byte)1, (byte)4)), "destination unreachable, port unreachable (ip_vs_leave)");
            Assert.That(Ipv6Frame.SourceOf(error), Is.EqualTo(InetAddress.Parse(Ipv6EngineRig.Vip)));
        });
    }

    [Test]
    public void ClientBehindTheGateway_IsAnsweredThroughIt()
    {
        var rig = new Ipv6EngineRig();
        rig.Feed(Ipv6EngineRig.ClientSegment(Syn, client: Ipv6EngineRig.RemoteClient, source: EngineRig.GatewayMac), Ipv6EngineRig.Public);

        rig.Feed(Ipv6EngineRig.ServerSegment(131, Syn | Ack, client: Ipv6EngineRig.RemoteClient), Ipv6EngineRig.Private);

        Assert.That(MacAddress.Read(rig.Sent()), Is.EqualTo(EngineRig.GatewayMac), "the IPv6 default route's gateway");
    }

    [Test]
    public void SegmentWithADestinationOptionsHeader_IsRewrittenPastIt()
    {
        var rig = new Ipv6EngineRig();
        byte[] options = [FrameLayout.ProtocolTcp, 0, 1, 4, 0, 0, 0, 0];
        var syn = Ipv6Frame.Tcp(EngineRig.ClientMac, EngineRig.PublicMac, Ipv6EngineRig.Client, 40000, Ipv6EngineRig.Vip, 80, Syn,
            extensions: options, firstExtension: Ipv6Layout.DestinationOptions);

        var outcome = rig.Feed(syn, Ipv6EngineRig.Public);

        var sent = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(sent[14 + 6], Is.EqualTo(Ipv6Layout.DestinationOptions), "extension headers travel on");
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(sent.AsSpan(62 + 2)), Is.EqualTo(80));
            var stored = BinaryPrimitives.ReadUInt16BigEndian(sent.AsSpan(62 + 16));
            Assert.That(stored, Is.EqualTo(Ipv6Frame.TransportChecksum(sent, 62, FrameLayout.ProtocolTcp)));
        });
    }

    [Test]
    public void MidStreamAckWithoutAConnection_IsDropped()
    {
        var rig = new Ipv6EngineRig();
        Assert.That(rig.Feed(Ipv6EngineRig.ClientSegment(Ack), Ipv6EngineRig.Public), Is.EqualTo(FrameOutcome.DroppedNoConnection));
    }

    [TestCase(ForwardingMethod.Masquerade)]
    [TestCase(ForwardingMethod.DirectRoute)]
    public void PacketTooBigForThePrivateLink_IsAnsweredWithPacketTooBigFromTheVip(ForwardingMethod method)
    {
        var rig = new Ipv6EngineRig(method, privateMtu: 1280);
        rig.Feed(Ipv6EngineRig.ClientSegment(Syn), Ipv6EngineRig.Public);
        var big = Ipv6EngineRig.ClientSegment(Ack, payload: 1300);

        var outcome = rig.Feed(big, Ipv6EngineRig.Public);

        var error = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedTooBig));
            Assert.That(rig.Output.Count, Is.EqualTo(1));
            Assert.That((error[54], error[55]), Is.EqualTo(((byte)2, (byte)0)), "ICMPv6 packet too big");
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(error.AsSpan(58)), Is.EqualTo(1280u), "the link's MTU");
            Assert.That((Ipv6Frame.SourceOf(error), Ipv6Frame.DestinationOf(error)), Is.EqualTo((InetAddress.Parse(Ipv6EngineRig.Vip), InetAddress.Parse(Ipv6EngineRig.Client))));
            Assert.That(error.Length, Is.EqualTo(14 + 1280), "as much of the packet as fits the minimum MTU");
            Assert.That(Icmpv6Messages.Checksum(Ipv6Frame.SourceOf(error), Ipv6Frame.DestinationOf(error), error.AsSpan(54)), Is.Zero);
        });
    }

    [Test]
    public void ReplyTooBigForThePublicLink_IsAnsweredWithPacketTooBigToTheRealServer()
    {
        var rig = new Ipv6EngineRig();
        rig.Feed(Ipv6EngineRig.ClientSegment(Syn), Ipv6EngineRig.Public);
        var big = Ipv6Frame.Tcp(Ipv6EngineRig.ServerMac(131), EngineRig.PrivateMac, "2001:db8:139::131", 80, Ipv6EngineRig.Client, 40000, Ack, payload: 1500);

        var outcome = rig.Feed(big, Ipv6EngineRig.Private);

        var error = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedTooBig));
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Ipv6EngineRig.Private));
            Assert.That((Ipv6Frame.SourceOf(error), Ipv6Frame.DestinationOf(error)), Is.EqualTo((InetAddress.Parse(Ipv6EngineRig.DirectorPrivate), Ipv6EngineRig.Server(131))));
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(error.AsSpan(58)), Is.EqualTo(1500u));
        });
    }

    [Test]
    public void EstablishedFlow_ForwardedBothWays_AllocatesNothing()
    {
        var rig = new Ipv6EngineRig();
        rig.Feed(Ipv6EngineRig.ClientSegment(Syn), Ipv6EngineRig.Public);
        rig.Feed(Ipv6EngineRig.ServerSegment(131, Syn | Ack), Ipv6EngineRig.Private);
        var request = Ipv6EngineRig.ClientSegment(Ack, payload: 64);
        var reply = Ipv6EngineRig.ServerSegment(131, Ack);

        var passes = 0;
        var forwarded = 0;

        var allocated = SteadyAllocation.BytesPerPass(() =>
        {
            passes++;
            forwarded += BothWays(rig, request, reply, 1000);
        });

        Assert.That(allocated, Is.Zero);
        Assert.That(forwarded, Is.EqualTo(2 * 1000 * passes));
    }

    private static int BothWays(Ipv6EngineRig rig, byte[] request, byte[] reply, int rounds)
    {
        var forwarded = 0;
        for (var i = 0; i < rounds; i++)
        {
            rig.Output.Clear();
            rig.Now++;
            forwarded += rig.Engine.Process(request, Ipv6EngineRig.Public, rig.Now, rig.Output) == FrameOutcome.Forwarded ? 1 : 0;
            forwarded += rig.Engine.Process(reply, Ipv6EngineRig.Private, rig.Now, rig.Output) == FrameOutcome.Forwarded ? 1 : 0;
        }
        return forwarded;
    }
}
