using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Engine;

/// <summary>
/// A client packet that meets an old connection, as Linux 6.1's ip_vs_in_hook handles it with its defaults
/// (conn_reuse_mode 1, expire_nodest_conn 0) and with the switches turned. The expected outcomes are what the
/// kernel did in the kernel-oracle VM (rr over two NAT servers; client segments from one address and port).
/// </summary>
public sealed class ConnectionReuseTests
{
    private const ushort Port = 5000;

    [Test]
    public void SynMeetingTimeWait_EndsItAndIsScheduledAfresh()
    {
        // Linux 6.1: SYN -> .11 SYN_RECV, FIN -> TIME_WAIT, SYN -> .10 SYN_RECV, and -Lnc lists only the new entry.
        var rig = new EngineRig();
        var first = OpenedTo(rig, Syn());
        rig.Feed(Segment(fin: true), Public);
        Assume.That(Entry(rig).State, Is.EqualTo(TcpState.TimeWait));

        var outcome = rig.Feed(Syn(), Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(Server(rig), Is.Not.EqualTo(first), "rr moved on: the SYN was scheduled");
            Assert.That(Entry(rig).State, Is.EqualTo(TcpState.SynRecv));
            Assert.That(rig.Connections.Count, Is.EqualTo(1));
            Assert.That(rig.Connections.ExpiredCount, Is.EqualTo(1));
            Assert.That(rig.TcpServer(Octet(first)).InactiveConnections, Is.Zero, "the old entry no longer counts");
        });
    }

    [Test]
    public void SynMeetingClose_EndsItAndIsScheduledAfresh()
    {
        var rig = new EngineRig();
        var first = OpenedTo(rig, Syn());
        rig.Feed(Segment(ack: true), Public);
        rig.Feed(Segment(rst: true), Public);
        Assume.That(Entry(rig).State, Is.EqualTo(TcpState.Close));

        rig.Feed(Syn(), Public);

        Assert.That((Server(rig) != first, Entry(rig).State), Is.EqualTo((true, TcpState.SynRecv)));
    }

    [Test]
    public void SynMeetingEstablished_StaysOnItsConnection()
    {
        var rig = new EngineRig();
        var first = OpenedTo(rig, Syn());
        rig.Feed(Segment(ack: true), Public);

        rig.Feed(Syn(), Public);

        Assert.That((Server(rig), Entry(rig).State, rig.Connections.ExpiredCount), Is.EqualTo((first, TcpState.Established, 0L)));
    }

    [Test]
    public void SynMeetingCloseWait_StaysOnItsConnection_GoingSynRecv()
    {
        var rig = new EngineRig();
        var first = OpenedTo(rig, Syn());
        rig.Feed(Segment(ack: true), Public);
        rig.Feed(Segment(fin: true), Public);
        Assume.That(Entry(rig).State, Is.EqualTo(TcpState.CloseWait));

        rig.Feed(Syn(), Public);

        Assert.That((Server(rig), Entry(rig).State), Is.EqualTo((first, TcpState.SynRecv)));
    }

    [Test]
    public void ReuseModeZero_SynMeetingTimeWait_StaysOnItsConnection()
    {
        var rig = new EngineRig(settings: new EngineSettings { ConnectionReuseMode = 0 });
        var first = OpenedTo(rig, Syn());
        rig.Feed(Segment(fin: true), Public);

        rig.Feed(Syn(), Public);

        Assert.That((Server(rig), Entry(rig).State), Is.EqualTo((first, TcpState.SynRecv)));
    }

    [TestCase(1, false)]
    [TestCase(3, true)]
    public void DirectRouteFinWait_IsReusedOnlyUnderBit2(int reuseMode, bool rescheduled)
    {
        // Linux 6.1, DR: SYN, ACK, FIN -> FIN_WAIT (input-only table); a SYN then stays (mode 1) or moves (mode 3).
        var rig = new EngineRig(ForwardingMethod.DirectRoute, settings: new EngineSettings { ConnectionReuseMode = reuseMode });
        var first = OpenedTo(rig, Syn());
        rig.Feed(Segment(ack: true), Public);
        rig.Feed(Segment(fin: true), Public);
        Assume.That(Entry(rig).State, Is.EqualTo(TcpState.FinWait));

        rig.Feed(Syn(), Public);

        Assert.That((Server(rig) != first, Entry(rig).State), Is.EqualTo((rescheduled, TcpState.SynRecv)));
    }

    [Test]
    public void NatFinWait_IsNotReusedEvenUnderBit2_ForItHasSeenReplies()
    {
        var rig = new EngineRig(settings: new EngineSettings { ConnectionReuseMode = 3 });
        var first = OpenedTo(rig, Syn());
        rig.Feed(ServerSegment(Octet(first), Client, Port, syn: true, ack: true), Private);
        rig.Feed(Segment(ack: true), Public);
        rig.Feed(ServerSegment(Octet(first), Client, Port, fin: true, ack: true), Private);
        Assume.That(Entry(rig).State, Is.EqualTo(TcpState.FinWait));

        rig.Feed(Syn(), Public);

        Assert.That(Server(rig), Is.EqualTo(first));
    }

    [Test]
    public void SynMeetingTimeWait_ControlledByATemplate_StaysOnItsConnection()
    {
        // Linux 6.1, -p 300: SYN -> .11, FIN -> TIME_WAIT, SYN -> .11 SYN_RECV on the same entry (cp->control).
        var rig = Persistent();
        var first = OpenedTo(rig, Syn());
        rig.Feed(Segment(fin: true), Public);

        rig.Feed(Syn(), Public);

        Assert.Multiple(() =>
        {
            Assert.That((Server(rig), Entry(rig).State), Is.EqualTo((first, TcpState.SynRecv)));
            Assert.That(rig.Connections.ExpiredCount, Is.Zero);
        });
    }

    [Test]
    public void RemovedServer_ItsConnectionsPacketsAreDropped_AndTheEntryIsLeftAsItWas()
    {
        // Linux 6.1: SYN and ACK -> .11 ESTABLISHED; -d .11; then SYN, ACK and FIN from the same port are all
        // dropped: -Lnc still lists ESTABLISHED to .11 with its expiry running down, and no counter moves.
        var rig = new EngineRig();
        var first = OpenedTo(rig, Syn());
        rig.Feed(Segment(ack: true), Public);
        var expiresAt = Entry(rig).ExpiresAt;
        var service = rig.TcpServer(Octet(first)).Service;
        var packetsBefore = service.Counters.InPackets;
        rig.Services.DeleteDestination(TcpKey, Ipv4Address.Parse(first), 80);
        rig.Now += 2_000_000;

        var outcomes = new[] { rig.Feed(Syn(), Public), rig.Feed(Segment(ack: true), Public), rig.Feed(Segment(fin: true), Public) };

        Assert.Multiple(() =>
        {
            Assert.That(outcomes, Is.All.EqualTo(FrameOutcome.DroppedDestinationUnavailable));
            Assert.That(rig.Output.Count, Is.Zero);
            Assert.That((Server(rig), Entry(rig).State, Entry(rig).ExpiresAt), Is.EqualTo((first, TcpState.Established, expiresAt)));
            Assert.That(service.Counters.InPackets, Is.EqualTo(packetsBefore));
            Assert.That(rig.Engine.Counters[FrameOutcome.DroppedDestinationUnavailable], Is.EqualTo(3));
            Assert.That(rig.Engine.Counters.Dropped, Is.EqualTo(3));
        });
    }

    [Test]
    public void RemovedServer_AddedBackWhileItsConnectionsLast_CarriesThemAgain()
    {
        // Linux 6.1: ESTABLISHED to .11; -d .11; FIN dropped (still ESTABLISHED); -a .11 again; FIN -> CLOSE_WAIT,
        // and -Ln lists .11 with InActConn 1: the kernel took the same destination back from its trash.
        var rig = new EngineRig();
        var first = OpenedTo(rig, Syn());
        rig.Feed(Segment(ack: true), Public);
        rig.Services.DeleteDestination(TcpKey, Ipv4Address.Parse(first), 80);
        var dropped = rig.Feed(Segment(fin: true), Public);
        rig.Services.AddDestination(TcpKey, new DestinationSpec(Ipv4Address.Parse(first), 80, ForwardingMethod.Masquerade));

        var outcome = rig.Feed(Segment(fin: true), Public);

        var revived = rig.TcpServer(Octet(first));
        Assert.Multiple(() =>
        {
            Assert.That((dropped, outcome), Is.EqualTo((FrameOutcome.DroppedDestinationUnavailable, FrameOutcome.Forwarded)));
            Assert.That(Entry(rig).State, Is.EqualTo(TcpState.CloseWait));
            Assert.That(Entry(rig).Destination, Is.SameAs(revived));
            Assert.That((revived.ActiveConnections, revived.InactiveConnections), Is.EqualTo((0, 1)));
        });
    }

    [Test]
    public void RemovedServerWithoutConnections_AddedBack_IsANewDestination()
    {
        var rig = new EngineRig();
        var before = rig.TcpServer(131);
        rig.Services.DeleteDestination(TcpKey, Ipv4Address.Parse("192.168.139.131"), 80);

        rig.Services.AddDestination(TcpKey, new DestinationSpec(Ipv4Address.Parse("192.168.139.131"), 80, ForwardingMethod.Masquerade));

        Assert.That(rig.TcpServer(131), Is.Not.SameAs(before));
    }

    [Test]
    public void RemovedServer_TheRepliesOfItsNatConnectionsStillPass()
    {
        // ip_vs_out does not look at the server's availability.
        var rig = new EngineRig();
        var first = OpenedTo(rig, Syn());
        rig.Services.DeleteDestination(TcpKey, Ipv4Address.Parse(first), 80);

        var outcome = rig.Feed(ServerSegment(Octet(first), Client, Port, syn: true, ack: true), Private);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
    }

    [Test]
    public void RemovedServer_UnderExpireNodestConn_ASynEndsTheConnectionAndIsScheduledAfresh()
    {
        // Linux 6.1 with expire_nodest_conn=1: the SYN went to the remaining server, -Lnc shows only that entry.
        var rig = new EngineRig(settings: new EngineSettings { ExpireNoDestinationConnections = true });
        var first = OpenedTo(rig, Syn());
        rig.Feed(Segment(ack: true), Public);
        rig.Services.DeleteDestination(TcpKey, Ipv4Address.Parse(first), 80);

        var outcome = rig.Feed(Syn(), Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(Server(rig), Is.Not.EqualTo(first));
            Assert.That(Entry(rig).State, Is.EqualTo(TcpState.SynRecv));
            Assert.That(rig.Connections.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public void RemovedServer_UnderExpireNodestConn_AnAckEndsTheConnection_AndOpensNone()
    {
        // Linux 6.1 with expire_nodest_conn=1: after the ACK, -Lnc no longer lists the client's entry.
        var rig = new EngineRig(settings: new EngineSettings { ExpireNoDestinationConnections = true });
        var first = OpenedTo(rig, Syn());
        rig.Services.DeleteDestination(TcpKey, Ipv4Address.Parse(first), 80);

        var outcome = rig.Feed(Segment(ack: true), Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedNoConnection));
            Assert.That(rig.Connections.Count, Is.Zero);
        });
    }

    [Test]
    public void QuiescentServer_ASynStaysOnItsConnection_UnlessExpireNodestConn([Values] bool expireNodestConn)
    {
        // Linux 6.1 with expire_nodest_conn=1: ESTABLISHED to .13, -e .13 -w 0, ACK stays, SYN -> .10 SYN_RECV.
        var rig = new EngineRig(settings: new EngineSettings { ExpireNoDestinationConnections = expireNodestConn });
        var first = OpenedTo(rig, Syn());
        rig.Feed(Segment(ack: true), Public);
        rig.Services.EditDestination(TcpKey, new DestinationSpec(Ipv4Address.Parse(first), 80, ForwardingMethod.Masquerade, Weight: 0));

        var ack = rig.Feed(Segment(ack: true), Public);
        var ackServer = Server(rig);
        rig.Feed(Syn(), Public);

        Assert.Multiple(() =>
        {
            Assert.That((ack, ackServer), Is.EqualTo((FrameOutcome.Forwarded, first)), "other packets go on to the quiescent server");
            Assert.That(Server(rig) != first, Is.EqualTo(expireNodestConn));
            Assert.That(Entry(rig).State, Is.EqualTo(expireNodestConn ? TcpState.SynRecv : TcpState.Established));
        });
    }

    [Test]
    public void RemovedServer_UdpDatagramsAreDropped_OrRescheduledUnderExpireNodestConn([Values] bool expireNodestConn)
    {
        // From ip_vs_in_hook's server check, which is the same for every protocol.
        var rig = new EngineRig(settings: new EngineSettings { ExpireNoDestinationConnections = expireNodestConn });
        rig.Feed(Datagram(), Public);
        var first = rig.Connections[UdpEntry(rig)].DestinationAddress.AsIpv4();
        rig.Services.DeleteDestination(UdpKey, first, 53);

        var outcome = rig.Feed(Datagram(), Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(expireNodestConn ? FrameOutcome.Forwarded : FrameOutcome.DroppedDestinationUnavailable));
            Assert.That(rig.Connections[UdpEntry(rig)].DestinationAddress.AsIpv4() != first, Is.EqualTo(expireNodestConn));
        });
    }

    private static EngineRig Persistent()
    {
        var rig = new EngineRig();
        rig.Services.EditService(new ServiceSpec(TcpKey, "rr", PersistenceTimeout: 300));
        return rig;
    }

    private static byte[] Syn() => Segment(syn: true);

    private static byte[] Segment(bool syn = false, bool ack = false, bool fin = false, bool rst = false) =>
        Frame.Tcp(ClientMac, PublicMac, Client, Port, Vip, 80, syn: syn, ack: ack, fin: fin, rst: rst);

    private static byte[] Datagram() => Frame.Udp(ClientMac, PublicMac, Client, Port, Vip, 53, [1, 2, 3, 4]);

    /// <summary>Feeds a flow-opening packet and returns the real server its connection went to.</summary>
    private static string OpenedTo(EngineRig rig, byte[] frame)
    {
        Assume.That(rig.Feed(frame, Public), Is.EqualTo(FrameOutcome.Forwarded));
        return Server(rig);
    }

    private static ref Connection Entry(EngineRig rig)
    {
        var slot = rig.Connections.FindByClient(6, Frame.Ip(Client), Port, Frame.Ip(Vip), 80, rig.Now);
        if (slot < 0)
        {
            throw new InvalidOperationException("the client has no connection");
        }
        return ref rig.Connections[slot];
    }

    private static int UdpEntry(EngineRig rig) => rig.Connections.FindByClient(17, Frame.Ip(Client), Port, Frame.Ip(Vip), 53, rig.Now);

    private static string Server(EngineRig rig) => Entry(rig).DestinationAddress.AsIpv4().ToString();

    private static int Octet(string server) => int.Parse(server.Split('.')[3], System.Globalization.CultureInfo.InvariantCulture);
}
