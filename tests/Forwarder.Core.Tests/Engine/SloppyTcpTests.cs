using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Engine;

/// <summary>
/// <c>sloppy_tcp</c>, as Linux's tcp_conn_schedule: off, only a SYN opens a TCP connection; on, any segment without
/// RST does. With mh over the same servers, two directors behind ECMP then agree on every flow's server, so a flow
/// the router moves from one to the other mid-stream goes on to the same server.
/// </summary>
public sealed class SloppyTcpTests
{
    private static readonly EngineSettings Sloppy = new() { SloppyTcp = true };

    [Test]
    public void MidFlowAck_WithoutSloppyTcp_IsDroppedAsNoConnection()
    {
        var rig = new EngineRig();

        var outcome = rig.Feed(Segment(40000, ack: true), Public);

        Assert.That((outcome, rig.Connections.Count, rig.Output.Count), Is.EqualTo((FrameOutcome.DroppedNoConnection, 0, 0)));
    }

    [Test]
    public void MidFlowAck_UnderSloppyTcp_OpensAnEstablishedConnection()
    {
        var rig = new EngineRig(settings: Sloppy);

        var outcome = rig.Feed(Segment(40000, ack: true), Public);

        var slot = rig.Connections.FindByClient(6, Frame.Ip(Client), 40000, Frame.Ip(Vip), 80, rig.Now);
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(slot, Is.GreaterThanOrEqualTo(0), "the ACK opened a connection");
            // As the kernel's state table: NONE and an ACK from the client make ESTABLISHED.
            Assert.That(rig.Connections[slot].State, Is.EqualTo(TcpState.Established));
            Assert.That(rig.Output.Count, Is.EqualTo(1), "the ACK went on to a real server");
        });
    }

    [Test]
    public void FinWithoutSyn_UnderSloppyTcp_OpensAConnectionToo()
    {
        var rig = new EngineRig(settings: Sloppy);

        Assert.That(rig.Feed(Segment(40000, ack: true, fin: true), Public), Is.EqualTo(FrameOutcome.Forwarded));
    }

    [Test]
    public void Rst_UnderSloppyTcp_StillOpensNothing()
    {
        var rig = new EngineRig(settings: Sloppy);

        var outcome = rig.Feed(Segment(40000, ack: true, rst: true), Public);

        Assert.That((outcome, rig.Connections.Count), Is.EqualTo((FrameOutcome.DroppedNoConnection, 0)));
    }

    [Test]
    public void UdpIsUnchangedBySloppyTcp()
    {
        var rig = new EngineRig(settings: Sloppy);

        Assert.That(rig.Feed(Frame.Udp(ClientMac, PublicMac, Client, 40000, Vip, 53, [1, 2, 3]), Public), Is.EqualTo(FrameOutcome.Forwarded));
    }

    [Test]
    public void FlowMovedToASecondDirectorMidStream_UnderMh_GoesToTheSameServer()
    {
        // Two directors with the same rules (mh with mh-port, direct routing): the first saw each flow's SYN, the
        // second sees only a later ACK, as after the router moved the flow to it.
        var first = MaglevDirector(Sloppy);
        var second = MaglevDirector(Sloppy);
        var servers = new HashSet<string>();
        for (ushort port = 40000; port < 40060; port++)
        {
            Assume.That(first.Feed(Segment(port, syn: true), Public), Is.EqualTo(FrameOutcome.Forwarded));
            var chosen = ServerMacOf(first.Sent());

            Assert.That(second.Feed(Segment(port, ack: true), Public), Is.EqualTo(FrameOutcome.Forwarded), $"port {port}");
            Assert.That(ServerMacOf(second.Sent()), Is.EqualTo(chosen), $"port {port}: the second director picked the first's server");
            servers.Add(chosen);
        }
        Assert.That(servers, Has.Count.EqualTo(3), "mh-port spread the flows over all three servers");
    }

    [Test]
    public void PersistentFlowMovedMidStream_UnderMhWithoutMhPort_GoesToTheServerTheFirstTemplateNamed()
    {
        // -p under plain mh: the template's server is mh's choice for the client address alone, so a second director
        // that never saw the client makes the same template from a later flow's mid-stream ACK.
        var first = new EngineRig(ForwardingMethod.DirectRoute, settings: Sloppy);
        var second = new EngineRig(ForwardingMethod.DirectRoute, settings: Sloppy);
        foreach (var rig in new[] { first, second })
        {
            rig.Services.EditService(new ServiceSpec(TcpKey, "mh", PersistenceTimeout: 300));
        }
        Assume.That(first.Feed(Segment(40000, syn: true), Public), Is.EqualTo(FrameOutcome.Forwarded));
        var pinned = ServerMacOf(first.Sent());

        Assert.Multiple(() =>
        {
            for (ushort port = 40001; port < 40011; port++)
            {
                Assert.That(second.Feed(Segment(port, ack: true), Public), Is.EqualTo(FrameOutcome.Forwarded), $"port {port}");
                Assert.That(ServerMacOf(second.Sent()), Is.EqualTo(pinned), $"port {port}");
            }
        });
    }

    [Test]
    public void VipFrameSentToTheDirectorsMac_ByARouterItNeverAnsweredArpFor_IsForwarded()
    {
        // Behind ECMP the router's next hop is the director's own address: its frames for the VIP come to the
        // director's MAC though nobody asked the director for the VIP's, and from a MAC it has never seen.
        var rig = MaglevDirector(new EngineSettings());
        var routerMac = Frame.Mac("00:50:56:00:00:77");

        var outcome = rig.Feed(Frame.Tcp(routerMac, PublicMac, "10.20.30.40", 40000, Vip, 80, syn: true), Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Output.Count, Is.EqualTo(1), "the SYN alone went out: no ARP toward the client side");
            Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(rig.Sent().AsSpan(FrameLayout.EtherTypeOffset)),
                Is.EqualTo(FrameLayout.EtherTypeIpv4));
        });
    }

    private static EngineRig MaglevDirector(EngineSettings settings)
    {
        var rig = new EngineRig(ForwardingMethod.DirectRoute, settings: settings);
        rig.Services.EditService(new ServiceSpec(TcpKey, "mh", SchedulerFlags: "mh-port"));
        return rig;
    }

    private static string ServerMacOf(byte[] frame) => MacAddress.Read(frame).ToString();

    private static byte[] Segment(ushort port, bool syn = false, bool ack = false, bool fin = false, bool rst = false) =>
        Frame.Tcp(ClientMac, PublicMac, Client, port, Vip, 80, syn: syn, ack: ack, fin: fin, rst: rst);
}
