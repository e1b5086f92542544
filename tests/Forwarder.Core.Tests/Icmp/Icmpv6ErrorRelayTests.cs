using System.Buffers.Binary;
using Forwarder.Core.Connections;
using Forwarder.Core.Forwarding;
using Forwarder.Core.Frames;
using Forwarder.Core.Icmp;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Tests.Icmp;

/// <summary>
/// ICMPv6 errors about IPv6 connections (ip_vs_in_icmp_v6, ip_vs_out_icmp_v6): NAT rewrites them both ways
/// (ip_vs_nat_icmp_v6), direct routing passes the clients' on, and what names no connection is not ours. Linux 6.1 in
/// the kernel oracle did the same to the same messages: a client's Packet Too Big reached the real server with the
/// outer destination and the quoted source and port rewritten and hop limit 63; the real server's port unreachable
/// reached the client from the VIP, quoting the VIP's port, hop limit 63.
/// </summary>
public sealed class Icmpv6ErrorRelayTests
{
    private static readonly MacAddress PublicMac = Frame.Mac("02:00:00:00:00:02");
    private static readonly MacAddress PrivateMac = Frame.Mac("02:00:00:00:00:01");
    private static readonly MacAddress ClientMac = Frame.Mac("00:50:56:00:00:50");
    private static readonly MacAddress ServerMac = Frame.Mac("00:0c:29:00:01:29");
    private static readonly InetAddress Client = InetAddress.Parse("2001:db8:1::50");
    private static readonly InetAddress Vip = InetAddress.Parse("2001:db8:1::100");
    private static readonly InetAddress Server = InetAddress.Parse("2001:db8:139::129");

    private sealed class Rig
    {
        public Rig(ForwardingMethod method)
        {
            var topology = TopologyParser.Parse("""
                interface eth2 02:00:00:00:00:02 192.168.1.1/24 public inet6 2001:db8:1::1/64
                interface eth1 02:00:00:00:00:01 192.168.139.1/24 private inet6 2001:db8:139::1/64
                neighbor 2001:db8:1::50 00:50:56:00:00:50 eth2
                neighbor 2001:db8:139::129 00:0c:29:00:01:29 eth1

                """);
            var neighbors = new NeighborTable(topology);
            var link = new EthernetTransmitter(topology.Interfaces.Select(i => i.Mac).ToArray(), neighbors);
            var identification = new Ipv4Identification();
            var transmits = new TransmitTable(topology, link, neighbors, identification, new LocalAnswerTransmit(topology, link, neighbors, identification));
            Connections = new ConnectionTable(new ConnectionTimeouts());
            Connections.Add(new Connection
            {
                Protocol = FrameLayout.ProtocolTcp,
                ClientAddress = Client,
                ClientPort = 40001,
                VirtualAddress = Vip,
                VirtualPort = 80,
                DestinationAddress = Server,
                DestinationPort = 8080,
                Method = method,
                ServerInterface = 1,
                ClientInterface = 0,
            }, Now);
            Relay = new Icmpv6ErrorRelay(topology, Connections, transmits);
        }

        public const long Now = 1_000_000;

        public ConnectionTable Connections { get; }

        public Icmpv6ErrorRelay Relay { get; }

        public OutputBatch Output { get; } = new();

        public FrameOutcome Handle(byte[] frame, int interfaceIndex)
        {
            Assert.That(Ipv6Parser.Parse(frame, out var fields), Is.Null);
            return Relay.Handle(new FrameContext(Now, Output), frame, fields, interfaceIndex);
        }

        public byte[] Sent(int index = 0) => Output.FrameAt(index).ToArray();
    }

    /// <summary>A router near the client reports the director's reply (VIP:80 to client:40001).</summary>
    private static byte[] FromClientSide(byte type, uint rest = 0, MacAddress? to = null)
    {
        var reply = Icmpv6ErrorFrame.Tcp(PublicMac, ClientMac, "2001:db8:1::100", 80, "2001:db8:1::50", 40001, payload: 200, syn: false);
        return Icmpv6ErrorFrame.Error(ClientMac, to ?? PublicMac, "2001:db8:1::1:1", "2001:db8:1::100", type, 0, rest, reply.AsSpan(14));
    }

    [Test]
    public void Nat_ClientSideError_GoesToTheServer_OuterDestinationAndQuotedSourceRewritten()
    {
        var rig = new Rig(ForwardingMethod.Masquerade);

        var outcome = rig.Handle(FromClientSide(Icmpv6Errors.PacketTooBig, 1400), 0);

        var sent = rig.Sent();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(1));
            Assert.That(sent[..6], Is.EqualTo(Forwarding.DirectRouteTransmitTests.Bytes(ServerMac)));
            Assert.That(InetAddress.ReadIpv6(sent.AsSpan(14 + 24)), Is.EqualTo(Server));
            Assert.That(InetAddress.ReadIpv6(sent.AsSpan(62 + 8)), Is.EqualTo(Server), "the quoted source");
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(sent.AsSpan(62 + 40)), Is.EqualTo(8080), "the quoted source port");
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(sent.AsSpan(58)), Is.EqualTo(1400), "the MTU kept");
            Assert.That(sent[14 + 7], Is.EqualTo(63), "decrement_ttl on the way to the server");
            Assert.That(Icmpv6ErrorFrame.ChecksumSum(sent), Is.EqualTo(0xFFFF));
        }
    }

    [Test]
    public void Nat_ServerSideError_GoesToTheClient_AsTheVirtualService_OneHopLess()
    {
        var rig = new Rig(ForwardingMethod.Masquerade);
        var delivered = Icmpv6ErrorFrame.Tcp(PrivateMac, ServerMac, "2001:db8:1::50", 40001, "2001:db8:139::129", 8080, payload: 20);
        var error = Icmpv6ErrorFrame.Error(ServerMac, PrivateMac, "2001:db8:139::129", "2001:db8:1::50", Icmpv6Errors.DestinationUnreachable, 4, 0, delivered.AsSpan(14));

        var outcome = rig.Handle(error, 1);

        var sent = rig.Sent();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(0));
            Assert.That(InetAddress.ReadIpv6(sent.AsSpan(14 + 8)), Is.EqualTo(Vip));
            Assert.That(sent[14 + 7], Is.EqualTo(63));
            Assert.That(InetAddress.ReadIpv6(sent.AsSpan(62 + 24)), Is.EqualTo(Vip), "the quoted destination");
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(sent.AsSpan(62 + 42)), Is.EqualTo(80), "the quoted destination port");
            Assert.That(Icmpv6ErrorFrame.ChecksumSum(sent), Is.EqualTo(0xFFFF));
        }
    }

    [Test]
    public void DirectRouting_ClientSideError_PassesUnchanged()
    {
        var rig = new Rig(ForwardingMethod.DirectRoute);
        var error = FromClientSide(Icmpv6Errors.DestinationUnreachable);

        Assert.That(rig.Handle(error, 0), Is.EqualTo(FrameOutcome.Forwarded));
        var expected = error[14..];
        expected[7]--;
        Assert.That(rig.Sent()[14..], Is.EqualTo(expected), "unchanged but the hop limit");
    }

    [TestCase(ForwardingMethod.Masquerade)]
    [TestCase(ForwardingMethod.DirectRoute)]
    public void ClientSideError_AtHopLimitOne_DiesUnanswered(ForwardingMethod method)
    {
        var rig = new Rig(method);
        var reply = Icmpv6ErrorFrame.Tcp(PublicMac, ClientMac, "2001:db8:1::100", 80, "2001:db8:1::50", 40001, syn: false);
        var error = Icmpv6ErrorFrame.Error(ClientMac, PublicMac, "2001:db8:1::1:1", "2001:db8:1::100", 1, 0, 0, reply.AsSpan(14), hopLimit: 1);
        Assert.That((rig.Handle(error, 0), rig.Output.Count), Is.EqualTo((FrameOutcome.DroppedTtlExceeded, 0)));
    }

    [TestCase(Icmpv6Errors.ParameterProblem, TestName = "ParameterProblem_IsNotRelayed")]
    [TestCase(Icmpv6Messages.EchoRequest, TestName = "AnEcho_IsNoError")]
    public void OtherTypes_AreNotOurs(byte type)
    {
        var rig = new Rig(ForwardingMethod.Masquerade);
        Assert.That(rig.Handle(FromClientSide(type), 0), Is.EqualTo(FrameOutcome.NotOursIpv6));
        Assert.That(rig.Output.Count, Is.Zero);
    }

    [Test]
    public void AnErrorAboutNoConnection_OrForAnotherMac_IsNotOurs()
    {
        var rig = new Rig(ForwardingMethod.Masquerade);
        var otherFlow = Icmpv6ErrorFrame.Tcp(PublicMac, ClientMac, "2001:db8:1::100", 80, "2001:db8:1::50", 40002, syn: false);
        var aboutOther = Icmpv6ErrorFrame.Error(ClientMac, PublicMac, "2001:db8:1::1:1", "2001:db8:1::100", 1, 0, 0, otherFlow.AsSpan(14));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(rig.Handle(aboutOther, 0), Is.EqualTo(FrameOutcome.NotOursIpv6));
            Assert.That(rig.Handle(FromClientSide(1, to: Frame.Mac("02:00:00:00:99:99")), 0), Is.EqualTo(FrameOutcome.NotOursIpv6));
            Assert.That(rig.Output.Count, Is.Zero);
        }
    }
}
