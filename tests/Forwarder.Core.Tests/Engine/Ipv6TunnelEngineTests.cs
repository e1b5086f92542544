using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Frames.FrameLayout;

namespace Forwarder.Core.Tests.Engine;

/// <summary>
/// IPv6 tunnels and ICMPv6 errors through the whole engine: a client's segment scheduled and sent IPv6-in-IPv6 to its
/// real server, with nothing allocated per packet once the flow exists, and an ICMPv6 error about a NAT connection
/// reaching <see cref="Icmp.Icmpv6ErrorRelay"/> past Neighbour Discovery and echo.
/// </summary>
public sealed class Ipv6TunnelEngineTests
{
    private const byte Syn = TcpSyn;
    private const byte Ack = TcpAck;

    [Test]
    public void ClientSegment_GoesIpv6InIpv6_FromThePrivateLinksAddress_ToTheScheduledServer()
    {
        var rig = new Ipv6EngineRig(ForwardingMethod.Tunnel);
        var syn = Ipv6EngineRig.ClientSegment(Syn);

        var outcome = rig.Feed(syn, Ipv6EngineRig.Public);

        var sent = rig.Sent();
        var connection = rig.Connections[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(sent[14 + 6], Is.EqualTo(TunnelEncapsulation.ProtocolIpv6));
            Assert.That(InetAddress.ReadIpv6(sent.AsSpan(14 + 8)), Is.EqualTo(InetAddress.Parse(Ipv6EngineRig.DirectorPrivate)));
            Assert.That(InetAddress.ReadIpv6(sent.AsSpan(14 + 24)), Is.EqualTo(connection.DestinationAddress));
            Assert.That(sent[..6], Is.EqualTo(Forwarding.DirectRouteTransmitTests.Bytes(Ipv6EngineRig.ServerMac(int.Parse(connection.DestinationAddress.ToString().Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture)))));
            Assert.That(sent[(54 + 8)..], Is.EqualTo(syn[(14 + 8)..]), "the inner packet past its hop limit");
        }
    }

    [Test]
    public void EstablishedTunnelFlow_AllocatesNothing()
    {
        var rig = new Ipv6EngineRig(ForwardingMethod.Tunnel);
        rig.Feed(Ipv6EngineRig.ClientSegment(Syn), Ipv6EngineRig.Public);
        var segment = Ipv6EngineRig.ClientSegment(Ack, payload: 64);

        var passes = 0;
        var forwarded = 0;

        var allocated = SteadyAllocation.BytesPerPass(() =>
        {
            passes++;
            forwarded += Send(rig, segment, 1000);
        });

        Assert.That((allocated, forwarded), Is.EqualTo((0L, 1000 * passes)));
    }

    [Test]
    public void ClientsPacketTooBig_AboutANatReply_ReachesTheServerRewritten()
    {
        var rig = new Ipv6EngineRig(ForwardingMethod.Masquerade);
        rig.Feed(Ipv6EngineRig.ClientSegment(Syn), Ipv6EngineRig.Public);
        var server = rig.Connections[0].DestinationAddress;
        var reply = Icmpv6ErrorFrame.Tcp(EngineRig.PublicMac, EngineRig.ClientMac, Ipv6EngineRig.Vip, 80, Ipv6EngineRig.Client, 40000, payload: 100, syn: false);
        var error = Icmpv6ErrorFrame.Error(EngineRig.ClientMac, EngineRig.PublicMac, "2001:db8::fe", Ipv6EngineRig.Vip, Icmpv6Errors.PacketTooBig, 0, 1280, reply.AsSpan(14));
        rig.Output.Clear();

        var outcome = rig.Feed(error, Ipv6EngineRig.Public);

        var sent = rig.Sent();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(InetAddress.ReadIpv6(sent.AsSpan(14 + 24)), Is.EqualTo(server));
            Assert.That(InetAddress.ReadIpv6(sent.AsSpan(62 + 8)), Is.EqualTo(server));
            Assert.That(Icmpv6ErrorFrame.ChecksumSum(sent), Is.EqualTo(0xFFFF));
        }
    }

    private static int Send(Ipv6EngineRig rig, byte[] segment, int rounds)
    {
        var forwarded = 0;
        for (var i = 0; i < rounds; i++)
        {
            rig.Output.Clear();
            rig.Now++;
            forwarded += rig.Engine.Process(segment, Ipv6EngineRig.Public, rig.Now, rig.Output) == FrameOutcome.Forwarded ? 1 : 0;
        }
        return forwarded;
    }
}
