using System.Net;
using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Engine;

public sealed class DirectorEngineNatTests
{
    [Test]
    public void ClientSyn_GoesOutThePrivateInterfaceToTheLastAddedServer()
    {
        var rig = new EngineRig();

        var outcome = rig.Feed(rig.ClientSyn(), Public);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
        Assert.That(rig.Output.Count, Is.EqualTo(1));
        var sent = rig.Output.FrameAt(0);
        var ethernet = Frame.ParseEthernet(sent);
        var ip = Frame.ParseIpv4(sent);
        var tcp = Frame.ParseTcp(sent);
        Assert.Multiple(() =>
        {
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Private));
            Assert.That(ethernet.DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(ServerMac(131))));
            Assert.That(ethernet.SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PrivateMac)));
            Assert.That(ip.DestinationAddress, Is.EqualTo(IPAddress.Parse("192.168.139.131")));
            Assert.That(tcp.DestinationPort, Is.EqualTo(80));
            Assert.That(ip.SourceAddress, Is.EqualTo(IPAddress.Parse(Client)));
            Assert.That(tcp.SourcePort, Is.EqualTo(40000));
            Assert.That(tcp.Synchronize, Is.True);
            Assert.That(ip.TimeToLive, Is.EqualTo(63), "one lower, as the kernel's decrement_ttl");
            Assert.That(ip.ValidIPChecksum, Is.True);
            Assert.That(tcp.ValidTcpChecksum, Is.True);
        });
    }

    [Test]
    public void ServerSynAck_GoesOutThePublicInterfaceFromTheVipWithTtlDecremented()
    {
        var rig = new EngineRig();
        rig.Feed(rig.ClientSyn(), Public);

        var outcome = rig.Feed(ServerSegment(131, Client, 40000, syn: true, ack: true, ttl: 64), Private);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
        Assert.That(rig.Output.Count, Is.EqualTo(1));
        var sent = rig.Output.FrameAt(0);
        var ethernet = Frame.ParseEthernet(sent);
        var ip = Frame.ParseIpv4(sent);
        var tcp = Frame.ParseTcp(sent);
        Assert.Multiple(() =>
        {
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Public));
            Assert.That(ethernet.DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(ClientMac)));
            Assert.That(ethernet.SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PublicMac)));
            Assert.That(ip.SourceAddress, Is.EqualTo(IPAddress.Parse(Vip)));
            Assert.That(tcp.SourcePort, Is.EqualTo(80));
            Assert.That(ip.DestinationAddress, Is.EqualTo(IPAddress.Parse(Client)));
            Assert.That(tcp.DestinationPort, Is.EqualTo(40000));
            Assert.That(ip.TimeToLive, Is.EqualTo(63));
            Assert.That(ip.ValidIPChecksum, Is.True);
            Assert.That(tcp.ValidTcpChecksum, Is.True);
        });
    }

    [Test]
    public void ReplyToARemoteClient_GoesToTheGatewayMac()
    {
        var rig = new EngineRig();
        rig.Feed(rig.ClientSyn(client: "203.0.113.7", source: GatewayMac), Public);

        rig.Feed(ServerSegment(131, "203.0.113.7", 40000, syn: true, ack: true), Private);

        Assert.That(rig.Output.Count, Is.EqualTo(1));
        Assert.That(Frame.ParseEthernet(rig.Output.FrameAt(0)).DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(GatewayMac)));
    }

    [Test]
    public void Handshake_MovesTheConnectionThroughStatesAndTheServerCountsToActive()
    {
        var rig = new EngineRig();
        var server = rig.TcpServer(131);

        rig.Feed(rig.ClientSyn(), Public);
        var afterSyn = (server.ActiveConnections, server.InactiveConnections);
        rig.Feed(ServerSegment(131, Client, 40000, syn: true, ack: true), Private);
        rig.Feed(Frame.Tcp(ClientMac, PublicMac, Client, 40000, Vip, 80, ack: true), Public);

        var slot = rig.Connections.FindByClient(6, Frame.Ip(Client), 40000, Frame.Ip(Vip), 80, rig.Now);
        Assert.Multiple(() =>
        {
            Assert.That(afterSyn, Is.EqualTo((1, 0)), "active from the SYN, as Linux since 4.8");
            Assert.That(slot, Is.GreaterThanOrEqualTo(0));
            Assert.That(rig.Connections[slot].State, Is.EqualTo(TcpState.Established));
            Assert.That((server.ActiveConnections, server.InactiveConnections), Is.EqualTo((1, 0)));
            Assert.That(rig.Connections.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public void Handshake_CountsFramesConnectionsPacketsAndBytes()
    {
        var rig = new EngineRig();
        var server = rig.TcpServer(131);
        var syn = rig.ClientSyn();
        var synAck = ServerSegment(131, Client, 40000, syn: true, ack: true);
        var ack = Frame.Tcp(ClientMac, PublicMac, Client, 40000, Vip, 80, ack: true, payload: [1, 2, 3, 4, 5, 6, 7]);

        rig.Feed(syn, Public);
        rig.Feed(synAck, Private);
        rig.Feed(ack, Public);

        Assert.Multiple(() =>
        {
            Assert.That(rig.Engine.Counters.FramesIn, Is.EqualTo(3));
            Assert.That(rig.Engine.Counters.FramesOut, Is.EqualTo(3));
            Assert.That(rig.Engine.Counters[FrameOutcome.Forwarded], Is.EqualTo(3));
            Assert.That(rig.Engine.Counters.Dropped, Is.Zero);
            Assert.That(server.Counters.Connections, Is.EqualTo(1));
            Assert.That(server.Counters.InPackets, Is.EqualTo(2));
            Assert.That(server.Counters.OutPackets, Is.EqualTo(1));
            Assert.That(server.Counters.InBytes, Is.EqualTo((syn.Length - 14) + (ack.Length - 14)), "IP bytes");
            Assert.That(server.Counters.OutBytes, Is.EqualTo(synAck.Length - 14));
            Assert.That(server.Service.Counters.Connections, Is.EqualTo(1));
            Assert.That(server.Service.Counters.InPackets, Is.EqualTo(2));
        });
    }

    [Test]
    public void SuccessiveFlows_AreSpreadRoundRobinInListOrder()
    {
        var rig = new EngineRig();
        var chosen = new List<string>();

        for (ushort port = 40000; port < 40004; port++)
        {
            rig.Feed(rig.ClientSyn(port), Public);
            chosen.Add(Frame.ParseIpv4(rig.Output.FrameAt(0)).DestinationAddress.ToString());
        }

        Assert.Multiple(() =>
        {
            Assert.That(chosen, Is.EqualTo(new[] { "192.168.139.131", "192.168.139.130", "192.168.139.129", "192.168.139.131" }));
            Assert.That(rig.TcpServer(131).Counters.Connections, Is.EqualTo(2));
            Assert.That(rig.Connections.Count, Is.EqualTo(4));
        });
    }

    [Test]
    public void RetransmittedSyn_StaysOnTheSameConnectionAndServer()
    {
        var rig = new EngineRig();
        rig.Feed(rig.ClientSyn(), Public);

        rig.Feed(rig.ClientSyn(), Public);

        Assert.Multiple(() =>
        {
            Assert.That(Frame.ParseIpv4(rig.Output.FrameAt(0)).DestinationAddress, Is.EqualTo(IPAddress.Parse("192.168.139.131")));
            Assert.That(rig.Connections.Count, Is.EqualTo(1));
            Assert.That(rig.TcpServer(131).Counters.Connections, Is.EqualTo(1));
        });
    }

    [Test]
    public void NonSynWithoutConnection_IsDroppedWithNoOutput()
    {
        var rig = new EngineRig();

        var outcome = rig.Feed(Frame.Tcp(ClientMac, PublicMac, Client, 40000, Vip, 80, ack: true), Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedNoConnection));
            Assert.That(rig.Output.Count, Is.Zero);
            Assert.That(rig.Connections.Count, Is.Zero);
            Assert.That(rig.Engine.Counters[FrameOutcome.DroppedNoConnection], Is.EqualTo(1));
            Assert.That(rig.Engine.Counters.Dropped, Is.EqualTo(1));
        });
    }

    [Test]
    public void SynAckFromClientWithoutConnection_OpensOne_AsTheKernel()
    {
        // tcp_conn_schedule schedules any SYN without RST (SYN+ACK is kept for active FTP); Linux 6.1 made a
        // SYN_RECV connection for a client SYN+ACK.
        var rig = new EngineRig();

        var outcome = rig.Feed(Frame.Tcp(ClientMac, PublicMac, Client, 40000, Vip, 80, syn: true, ack: true), Public);

        var slot = rig.Connections.FindByClient(6, Frame.Ip(Client), 40000, Frame.Ip(Vip), 80, rig.Now);
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(slot, Is.GreaterThanOrEqualTo(0));
            Assert.That(rig.Connections[slot].State, Is.EqualTo(TcpState.SynRecv));
        });
    }

    [Test]
    public void SynRstFromClientWithoutConnection_IsDroppedNoConnection()
    {
        var rig = new EngineRig();

        var outcome = rig.Feed(Frame.Tcp(ClientMac, PublicMac, Client, 40000, Vip, 80, syn: true, rst: true), Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedNoConnection));
            Assert.That(rig.Output.Count, Is.Zero);
        });
    }

    [Test]
    public void SynWhenEveryServerIsQuiescent_IsDroppedNoDestination_AndTheClientGetsPortUnreachable()
    {
        var rig = new EngineRig();
        foreach (var octet in new[] { 129, 130, 131 })
        {
            rig.TcpServer(octet).Weight = 0;
        }
        var syn = rig.ClientSyn();

        var outcome = rig.Feed(syn, Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedNoDestination));
            Assert.That(rig.Connections.Count, Is.Zero);
            // As ip_vs_leave: ICMP port unreachable from the VIP, quoting the SYN, out the public side.
            Assert.That(rig.Output.Count, Is.EqualTo(1));
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Public));
        });
        var ip = Frame.ParseIpv4(rig.Output.FrameAt(0));
        var icmp = ip.Extract<PacketDotNet.IcmpV4Packet>();
        Assert.Multiple(() =>
        {
            Assert.That(ip.SourceAddress.ToString(), Is.EqualTo(Vip));
            Assert.That(ip.DestinationAddress.ToString(), Is.EqualTo(Client));
            Assert.That((int)icmp.TypeCode, Is.EqualTo((3 << 8) | 3), "destination unreachable, port unreachable");
            Assert.That(rig.Output.FrameAt(0)[(14 + 20 + 8)..].ToArray(), Is.EqualTo(syn[14..]), "the SYN quoted whole");
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [Test]
    public void ReplyWithTtlOne_IsDroppedAndTheServerGetsTimeExceededFromThePrivateAddress()
    {
        var rig = new EngineRig();
        rig.Feed(rig.ClientSyn(), Public);
        var reply = ServerSegment(131, Client, 40000, syn: true, ack: true, ttl: 1);

        var outcome = rig.Feed(reply, Private);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedTtlExceeded));
        Assert.That(rig.Output.Count, Is.EqualTo(1), "only the ICMP error goes out");
        var sent = rig.Sent();
        var ethernet = Frame.ParseEthernet(sent);
        var ip = Frame.ParseIpv4(sent);
        var icmp = IcmpFrame.Parse(sent);
        Assert.Multiple(() =>
        {
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Private));
            Assert.That(ethernet.DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(ServerMac(131))));
            Assert.That(ethernet.SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PrivateMac)));
            Assert.That(ip.Protocol, Is.EqualTo(PacketDotNet.ProtocolType.Icmp));
            Assert.That(ip.SourceAddress, Is.EqualTo(IPAddress.Parse("192.168.139.1")), "RFC 792: from the router's address on the sender's link");
            Assert.That(ip.DestinationAddress, Is.EqualTo(IPAddress.Parse("192.168.139.131")));
            Assert.That(sent[14 + 20], Is.EqualTo(11), "type: time exceeded");
            Assert.That(sent[14 + 21], Is.EqualTo(0), "code 0: TTL exceeded in transit");
            Assert.That(IcmpFrame.QuotedOf(sent), Is.EqualTo(reply.AsSpan(14).ToArray()), "RFC 792/1812: the offending datagram, unchanged, as it arrived");
            Assert.That(icmp.ValidIcmpChecksum, Is.True);
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [Test]
    public void UdpService_OpensAFlowOnAnyDatagramAndNatsTheReply()
    {
        var rig = new EngineRig();
        var query = Frame.Udp(ClientMac, PublicMac, Client, 5353, Vip, 53, [0x12, 0x34, 1, 0]);

        var outcome = rig.Feed(query, Public);
        var request = rig.Output.FrameAt(0).ToArray();
        var server = Frame.ParseIpv4(request).DestinationAddress.ToString();
        var reply = Frame.Udp(Frame.Mac("00:0c:29:00:01:31"), PrivateMac, server, 53, Client, 5353, [0x12, 0x34, 0x81, 0x80]);
        var replyOutcome = rig.Feed(reply, Private);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(server, Is.EqualTo("192.168.139.131"));
            Assert.That(Frame.ParseUdp(request).DestinationPort, Is.EqualTo(53));
            Assert.That(Frame.ParseUdp(request).ValidUdpChecksum, Is.True);
            Assert.That(replyOutcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(Frame.ParseIpv4(rig.Output.FrameAt(0)).SourceAddress, Is.EqualTo(IPAddress.Parse(Vip)));
            Assert.That(Frame.ParseUdp(rig.Output.FrameAt(0)).ValidUdpChecksum, Is.True);
            Assert.That(rig.Connections.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public void ConnectionExpiresOnTheEngineClock_ThenAReplyIsNotOurs()
    {
        var rig = new EngineRig();
        rig.Feed(rig.ClientSyn(), Public);

        // SYN_RECV lives 60 s.
        rig.Now += 61_000_000;
        var outcome = rig.Feed(ServerSegment(131, Client, 40000, syn: true, ack: true), Private);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.NotOurs));
            Assert.That(rig.Output.Count, Is.Zero);
            Assert.That(rig.Connections.Count, Is.Zero);
            Assert.That(rig.TcpServer(131).InactiveConnections, Is.Zero);
        });
    }
}
