using System.Net;
using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Engine;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Neighbors;

/// <summary>
/// A real server that is not a static neighbour: the first packet for it waits while the director asks ARP
/// (RFC 826), as the kernel's neighbour code does: a broadcast request from the private interface, repeated
/// once a second, three in all (mcast_probes 3, retrans_time 1 s), then what waited is dropped.
/// </summary>
public sealed class RealServerResolutionTests
{
    private const string NewServer = "192.168.139.140";
    private const long Second = 1_000_000;
    private static readonly MacAddress NewServerMac = Frame.Mac("00:0c:29:00:01:40");

    [Test]
    public void SynForAnUnknownServer_IsQueuedAndABroadcastArpRequestGoesOutThePrivateLink()
    {
        var rig = RigWithOnlyTheNewServer();

        var outcome = rig.Feed(rig.ClientSyn(), Public);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Queued));
        Assert.That(rig.Output.Count, Is.EqualTo(1), "the ARP request only");
        AssertArpRequest(rig, 0);
    }

    [Test]
    public void ArpReply_ReleasesTheRewrittenSynToTheLearnedMac()
    {
        var rig = RigWithOnlyTheNewServer();
        rig.Feed(rig.ClientSyn(), Public);

        rig.Feed(ArpFrame.Reply(NewServerMac, NewServer, PrivateMac, "192.168.139.1"), Private);

        Assert.That(rig.Output.Count, Is.EqualTo(1));
        var sent = rig.Sent();
        var ethernet = Frame.ParseEthernet(sent);
        var ip = Frame.ParseIpv4(sent);
        var tcp = Frame.ParseTcp(sent);
        Assert.Multiple(() =>
        {
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Private));
            Assert.That(ethernet.DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(NewServerMac)));
            Assert.That(ethernet.SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PrivateMac)));
            Assert.That(ip.SourceAddress, Is.EqualTo(IPAddress.Parse(Client)));
            Assert.That(ip.DestinationAddress, Is.EqualTo(IPAddress.Parse(NewServer)));
            Assert.That(tcp.SourcePort, Is.EqualTo(40000));
            Assert.That(tcp.DestinationPort, Is.EqualTo(80));
            Assert.That(tcp.Synchronize, Is.True);
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [Test]
    public void AfterTheArpReply_TheNextPacketGoesStraightToTheLearnedMac()
    {
        var rig = RigWithOnlyTheNewServer();
        rig.Feed(rig.ClientSyn(), Public);
        rig.Feed(ArpFrame.Reply(NewServerMac, NewServer, PrivateMac, "192.168.139.1"), Private);

        var outcome = rig.Feed(Frame.Tcp(ClientMac, PublicMac, Client, 40000, Vip, 80, ack: true), Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Output.Count, Is.EqualTo(1));
            Assert.That(Frame.ParseEthernet(rig.Sent()).DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(NewServerMac)));
            Assert.That(rig.Engine.Neighbors.RequestsSent, Is.EqualTo(1));
        });
    }

    [Test]
    public void NoAnswer_RequestIsRepeatedOncePerSecondThreeInAllThenTheHeldFrameIsDropped()
    {
        var rig = RigWithOnlyTheNewServer();
        rig.Feed(rig.ClientSyn(), Public);
        var start = rig.Now;
        var requestsAt = new List<long> { 0 };

        for (var elapsed = Second / 4; elapsed <= 6 * Second; elapsed += Second / 4)
        {
            rig.Output.Clear();
            rig.Engine.AdvanceClock(start + elapsed, rig.Output);
            for (var index = 0; index < rig.Output.Count; index++)
            {
                AssertArpRequest(rig, index);
                requestsAt.Add(elapsed);
            }
            if (elapsed == (2 * Second) + (3 * Second / 4))
            {
                Assert.That(rig.Engine.Neighbors.UnresolvedDrops, Is.Zero, "still waiting before the third second is out");
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(requestsAt, Is.EqualTo(new[] { 0, Second, 2 * Second }));
            Assert.That(rig.Engine.Neighbors.RequestsSent, Is.EqualTo(3));
            Assert.That(rig.Engine.Neighbors.UnresolvedDrops, Is.EqualTo(1));
        });
    }

    [Test]
    public void ArpReplyAfterGivingUp_ReleasesNothing()
    {
        var rig = RigWithOnlyTheNewServer();
        rig.Feed(rig.ClientSyn(), Public);
        for (var tick = 1; tick <= 5; tick++)
        {
            rig.Engine.AdvanceClock(rig.Now + (tick * Second), rig.Output);
        }
        rig.Now += 5 * Second;

        rig.Feed(ArpFrame.Reply(NewServerMac, NewServer, PrivateMac, "192.168.139.1"), Private);

        Assert.That(rig.Output.Count, Is.Zero);
    }

    [Test]
    public void FramesForOneUnknownServer_AreHeldUpToTheBoundAndTheRestDropped()
    {
        var rig = RigWithOnlyTheNewServer();
        var outcomes = new List<FrameOutcome>();
        var arpRequests = 0;

        for (ushort port = 40000; port < 40000 + NeighborTable.MaximumHeldPerAddress + 4; port++)
        {
            outcomes.Add(rig.Feed(rig.ClientSyn(port), Public));
            arpRequests += rig.Output.Count;
        }
        rig.Feed(ArpFrame.Reply(NewServerMac, NewServer, PrivateMac, "192.168.139.1"), Private);

        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Take(NeighborTable.MaximumHeldPerAddress), Is.All.EqualTo(FrameOutcome.Queued));
            Assert.That(outcomes.Skip(NeighborTable.MaximumHeldPerAddress), Is.All.EqualTo(FrameOutcome.DroppedNoNeighbor));
            Assert.That(arpRequests, Is.EqualTo(1), "one request while one is outstanding");
            Assert.That(rig.Engine.Neighbors.UnresolvedDrops, Is.EqualTo(4));
            Assert.That(rig.Output.Count, Is.EqualTo(NeighborTable.MaximumHeldPerAddress), "every held frame is released");
            Assert.That(Enumerable.Range(0, rig.Output.Count).Select(i => Frame.ParseTcp(rig.Sent(i)).SourcePort),
                Is.EqualTo(Enumerable.Range(40000, NeighborTable.MaximumHeldPerAddress)), "in arrival order");
        });
    }

    /// <summary>The rig with 192.168.139.140 (no static neighbour) as the TCP service's only usable server.</summary>
    private static EngineRig RigWithOnlyTheNewServer()
    {
        var rig = new EngineRig();
        rig.Services.AddDestination(TcpKey, new DestinationSpec(Ipv4Address.Parse(NewServer), 80, ForwardingMethod.Masquerade));
        foreach (var octet in new[] { 129, 130, 131 })
        {
            rig.TcpServer(octet).Weight = 0;
        }
        return rig;
    }

    private static void AssertArpRequest(EngineRig rig, int index)
    {
        var request = rig.Sent(index);
        var ethernet = Frame.ParseEthernet(request);
        var arp = ArpFrame.Parse(request);
        Assert.Multiple(() =>
        {
            Assert.That(rig.Output.InterfaceAt(index), Is.EqualTo(Private));
            Assert.That(ethernet.DestinationHardwareAddress, Is.EqualTo(ArpFrame.Broadcast));
            Assert.That(ethernet.SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PrivateMac)));
            Assert.That(arp.Operation, Is.EqualTo(PacketDotNet.ArpOperation.Request));
            Assert.That(arp.SenderHardwareAddress, Is.EqualTo(Frame.ToPhysical(PrivateMac)));
            Assert.That(arp.SenderProtocolAddress, Is.EqualTo(IPAddress.Parse("192.168.139.1")));
            Assert.That(arp.TargetProtocolAddress, Is.EqualTo(IPAddress.Parse(NewServer)));
        });
    }
}
