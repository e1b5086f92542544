using System.Net;
using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Engine;

/// <summary>
/// A client on the public link that is no static neighbour: its MAC is not taken from its IP frames (as the
/// kernel, which learns neighbours from ARP only), so the first reply to it waits while ARP asks (RFC 826).
/// </summary>
public sealed class DirectorEngineUnknownClientTests
{
    [Test]
    public void ReplyToAnUnknownOnLinkClient_IsQueuedWhileTheDirectorArpsForIt()
    {
        var rig = new EngineRig();
        var synOutcome = rig.Feed(rig.ClientSyn(client: UnknownClient, source: UnknownClientMac), Public);

        var outcome = rig.Feed(ServerSegment(131, UnknownClient, 40000, syn: true, ack: true), Private);

        Assert.Multiple(() =>
        {
            Assert.That(synOutcome, Is.EqualTo(FrameOutcome.Forwarded), "the server's MAC is known: the SYN goes at once");
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Queued), "the client's MAC is not learned from its SYN");
            Assert.That(rig.Output.Count, Is.EqualTo(1), "only the ARP request");
        });
        var request = rig.Output.FrameAt(0);
        var ethernet = Frame.ParseEthernet(request);
        var arp = ArpFrame.Parse(request);
        Assert.Multiple(() =>
        {
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Public));
            Assert.That(ethernet.DestinationHardwareAddress, Is.EqualTo(ArpFrame.Broadcast));
            Assert.That(ethernet.SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PublicMac)));
            Assert.That(arp.Operation, Is.EqualTo(PacketDotNet.ArpOperation.Request));
            Assert.That(arp.SenderHardwareAddress, Is.EqualTo(Frame.ToPhysical(PublicMac)));
            Assert.That(arp.SenderProtocolAddress, Is.EqualTo(IPAddress.Parse("192.168.1.1")));
            Assert.That(arp.TargetProtocolAddress, Is.EqualTo(IPAddress.Parse(UnknownClient)));
        });
    }

    [Test]
    public void ArpReplyFromTheUnknownClient_ReleasesTheHeldReplyWithItsMac()
    {
        var rig = new EngineRig();
        rig.Feed(rig.ClientSyn(client: UnknownClient, source: UnknownClientMac), Public);
        rig.Feed(ServerSegment(131, UnknownClient, 40000, syn: true, ack: true), Private);

        rig.Feed(ArpFrame.Reply(UnknownClientMac, UnknownClient, PublicMac, "192.168.1.1"), Public);

        Assert.That(rig.Output.Count, Is.EqualTo(1), "the held SYN-ACK, nothing else");
        var sent = rig.Output.FrameAt(0);
        var ethernet = Frame.ParseEthernet(sent);
        var ip = Frame.ParseIpv4(sent);
        var tcp = Frame.ParseTcp(sent);
        Assert.Multiple(() =>
        {
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Public));
            Assert.That(ethernet.DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(UnknownClientMac)));
            Assert.That(ethernet.SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PublicMac)));
            Assert.That(ip.SourceAddress, Is.EqualTo(IPAddress.Parse(Vip)));
            Assert.That(ip.DestinationAddress, Is.EqualTo(IPAddress.Parse(UnknownClient)));
            Assert.That(tcp.SourcePort, Is.EqualTo(80));
            Assert.That(tcp.Synchronize && tcp.Acknowledgment, Is.True);
            Assert.That(ip.TimeToLive, Is.EqualTo(63));
            Assert.That(rig.Engine.Counters.Dropped, Is.Zero);
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [Test]
    public void AfterTheArpReply_FurtherRepliesGoStraightToTheLearnedMac()
    {
        var rig = new EngineRig();
        rig.Feed(rig.ClientSyn(client: UnknownClient, source: UnknownClientMac), Public);
        rig.Feed(ServerSegment(131, UnknownClient, 40000, syn: true, ack: true), Private);
        rig.Feed(ArpFrame.Reply(UnknownClientMac, UnknownClient, PublicMac, "192.168.1.1"), Public);

        var outcome = rig.Feed(ServerSegment(131, UnknownClient, 40000, ack: true), Private);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Output.Count, Is.EqualTo(1));
            Assert.That(Frame.ParseEthernet(rig.Output.FrameAt(0)).DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(UnknownClientMac)));
            Assert.That(rig.Engine.Neighbors.RequestsSent, Is.EqualTo(1));
        });
    }
}
