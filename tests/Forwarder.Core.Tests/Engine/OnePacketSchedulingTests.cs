using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Engine;

/// <summary>-o (one-packet scheduling) as IP_VS_CONN_F_ONE_PACKET: every datagram is scheduled on its own and leaves no connection behind.</summary>
public sealed class OnePacketSchedulingTests
{
    [Test]
    public void EachDatagramOfOneFlow_IsScheduledAfresh_AndNoConnectionStays()
    {
        var rig = new EngineRig();
        Assert.That(rig.Services.TryGet(UdpKey, out var service), Is.True);
        service.OnePacket = true;

        var servers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            rig.Output.Clear();
            var query = Frame.Udp(ClientMac, PublicMac, Client, 5353, Vip, 53, [0x12, 0x34, 1, (byte)i]);
            Assert.That(rig.Feed(query, Public), Is.EqualTo(FrameOutcome.Forwarded));
            servers.Add(Frame.ParseIpv4(rig.Output.FrameAt(0)).DestinationAddress.ToString());
        }

        Assert.That(servers, Is.EqualTo(new[] { "192.168.139.131", "192.168.139.130", "192.168.139.129" }), "rr went round: nothing pinned the flow");
        Assert.That(rig.Connections.Count, Is.Zero);
        Assert.That(service.Destinations.Select(d => d.InactiveConnections + d.ActiveConnections), Has.All.Zero);
    }

    [Test]
    public void WithoutTheFlag_TheSameDatagramsStayOnOneServer()
    {
        var rig = new EngineRig();
        var servers = new HashSet<string>();
        for (var i = 0; i < 3; i++)
        {
            rig.Output.Clear();
            rig.Feed(Frame.Udp(ClientMac, PublicMac, Client, 5353, Vip, 53, [0x12, 0x34, 1, (byte)i]), Public);
            servers.Add(Frame.ParseIpv4(rig.Output.FrameAt(0)).DestinationAddress.ToString());
        }

        Assert.That(servers, Has.Count.EqualTo(1));
        Assert.That(rig.Connections.Count, Is.EqualTo(1));
    }
}
