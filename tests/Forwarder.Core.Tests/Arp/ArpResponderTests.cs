using System.Buffers.Binary;
using System.Net;
using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Engine;
using Forwarder.Core.Tests.Support;
using PacketDotNet;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Arp;

/// <summary>
/// The director's ARP (RFC 826): it answers for its own address on each link and for its virtual addresses on
/// the public link only, from the MAC of the link asked on, unicast to the requester; it learns the requester.
/// </summary>
public sealed class ArpResponderTests
{
    private const string PrivateAddress = "192.168.139.1";
    private const string PublicAddress = "192.168.1.1";

    [Test]
    public void RequestForTheVipOnThePublicLink_IsAnsweredFromThePublicMac()
    {
        var rig = new EngineRig();

        var outcome = rig.Feed(Frame.ArpRequest(ClientMac, Client, Vip), Public);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Answered));
        AssertReply(rig, Public, PublicMac, Vip, ClientMac, Client);
    }

    [Test]
    public void RequestForTheDirectorsPublicAddress_IsAnsweredFromThePublicMac()
    {
        var rig = new EngineRig();

        var outcome = rig.Feed(Frame.ArpRequest(ClientMac, Client, PublicAddress), Public);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Answered));
        AssertReply(rig, Public, PublicMac, PublicAddress, ClientMac, Client);
    }

    [Test]
    public void RequestForTheDirectorsPrivateAddress_IsAnsweredOnThePrivateLinkFromThePrivateMac()
    {
        var rig = new EngineRig();

        var outcome = rig.Feed(Frame.ArpRequest(ServerMac(131), "192.168.139.131", PrivateAddress), Private);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Answered));
        AssertReply(rig, Private, PrivateMac, PrivateAddress, ServerMac(131), "192.168.139.131");
    }

    [Test]
    public void RequestForTheVipOnThePrivateLink_IsNotAnswered()
    {
        // The real servers of -g/-i hold the VIP themselves: the director must not claim it on their link.
        var rig = new EngineRig();

        var outcome = rig.Feed(Frame.ArpRequest(ServerMac(131), "192.168.139.131", Vip), Private);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.NotOurs));
            Assert.That(rig.Output.Count, Is.Zero);
        });
    }

    [Test]
    public void RequestForThePublicAddressAskedOnThePrivateLink_IsNotAnswered()
    {
        var rig = new EngineRig();

        var outcome = rig.Feed(Frame.ArpRequest(ServerMac(131), "192.168.139.131", PublicAddress), Private);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.NotOurs));
            Assert.That(rig.Output.Count, Is.Zero);
        });
    }

    [TestCase("192.168.1.77")]
    [TestCase("192.168.1.254")]
    [TestCase("192.168.1.198")]
    public void RequestForAnotherHost_IsNotOursAndUnanswered(string target)
    {
        var rig = new EngineRig();

        var outcome = rig.Feed(Frame.ArpRequest(ClientMac, Client, target), Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.NotOurs));
            Assert.That(rig.Output.Count, Is.Zero);
        });
    }

    [Test]
    public void RequestFromAHostTheDirectorIsWaitingFor_ReleasesTheHeldFrameToItsMac()
    {
        var rig = new EngineRig();
        rig.Feed(rig.ClientSyn(client: UnknownClient, source: UnknownClientMac), Public);
        Assert.That(rig.Feed(ServerSegment(131, UnknownClient, 40000, syn: true, ack: true), Private), Is.EqualTo(FrameOutcome.Queued));

        var outcome = rig.Feed(Frame.ArpRequest(UnknownClientMac, UnknownClient, Vip), Public);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Answered));
        var frames = Enumerable.Range(0, rig.Output.Count).Select(rig.Sent).ToList();
        var released = frames.Where(f => BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(12)) == 0x0800).ToList();
        var replies = frames.Where(f => BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(12)) == 0x0806).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(frames, Has.Count.EqualTo(2), "the ARP reply and the released SYN-ACK");
            Assert.That(replies, Has.Count.EqualTo(1));
            Assert.That(released, Has.Count.EqualTo(1));
        });
        var ethernet = Frame.ParseEthernet(released[0]);
        var tcp = Frame.ParseTcp(released[0]);
        Assert.Multiple(() =>
        {
            Assert.That(ethernet.DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(UnknownClientMac)));
            Assert.That(ethernet.SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PublicMac)));
            Assert.That(Frame.ParseIpv4(released[0]).DestinationAddress, Is.EqualTo(IPAddress.Parse(UnknownClient)));
            Assert.That(tcp.Synchronize && tcp.Acknowledgment, Is.True);
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [Test]
    public void RequestFromANewHostForUs_TeachesItsMacSoLaterFramesGoAtOnce()
    {
        var rig = new EngineRig();
        rig.Feed(Frame.ArpRequest(UnknownClientMac, UnknownClient, Vip), Public);
        rig.Feed(rig.ClientSyn(client: UnknownClient, source: UnknownClientMac), Public);

        var outcome = rig.Feed(ServerSegment(131, UnknownClient, 40000, syn: true, ack: true), Private);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Output.Count, Is.EqualTo(1));
            Assert.That(Frame.ParseEthernet(rig.Sent()).DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(UnknownClientMac)));
            Assert.That(rig.Engine.Neighbors.RequestsSent, Is.Zero);
        });
    }

    [Test]
    public void RequestFromANewHostForSomeoneElse_TeachesNothing()
    {
        // As the kernel's arp_process: a request not for us creates no neighbour entry.
        var rig = new EngineRig();
        rig.Feed(Frame.ArpRequest(UnknownClientMac, UnknownClient, "192.168.1.77"), Public);
        rig.Feed(rig.ClientSyn(client: UnknownClient, source: UnknownClientMac), Public);

        var outcome = rig.Feed(ServerSegment(131, UnknownClient, 40000, syn: true, ack: true), Private);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Queued));
    }

    [Test]
    public void TruncatedArp_IsDroppedMalformed()
    {
        var rig = new EngineRig();
        var request = Frame.ArpRequest(ClientMac, Client, Vip);

        var outcome = rig.Feed(request[..(14 + 27)], Public);

        AssertMalformed(rig, outcome);
    }

    [TestCase(0, (byte)0x00, (byte)0x06, "hardware type 6 (IEEE 802)")]
    [TestCase(2, (byte)0x86, (byte)0xDD, "protocol type IPv6")]
    public void ArpForAnotherHardwareOrProtocol_IsDroppedMalformed(int offset, byte high, byte low, string what)
    {
        var rig = new EngineRig();
        var request = Frame.ArpRequest(ClientMac, Client, Vip);
        request[14 + offset] = high;
        request[14 + offset + 1] = low;

        var outcome = rig.Feed(request, Public);

        AssertMalformed(rig, outcome, what);
    }

    [TestCase(4, (byte)8)]
    [TestCase(5, (byte)16)]
    public void ArpWithOtherAddressLengths_IsDroppedMalformed(int offset, byte length)
    {
        var rig = new EngineRig();
        var request = Frame.ArpRequest(ClientMac, Client, Vip);
        request[14 + offset] = length;

        var outcome = rig.Feed(request, Public);

        AssertMalformed(rig, outcome);
    }

    private static void AssertMalformed(EngineRig rig, FrameOutcome outcome, string what = "") =>
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedMalformed), what);
            Assert.That(rig.Output.Count, Is.Zero);
        });

    private static void AssertReply(EngineRig rig, int link, Forwarder.Core.Frames.MacAddress linkMac, string answeredFor,
        Forwarder.Core.Frames.MacAddress requesterMac, string requester)
    {
        Assert.That(rig.Output.Count, Is.EqualTo(1));
        var reply = rig.Sent();
        var ethernet = Frame.ParseEthernet(reply);
        var arp = ArpFrame.Parse(reply);
        Assert.Multiple(() =>
        {
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(link));
            Assert.That(reply, Has.Length.GreaterThanOrEqualTo(42));
            Assert.That(ethernet.Type, Is.EqualTo(EthernetType.Arp));
            Assert.That(ethernet.DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(requesterMac)), "unicast to the requester");
            Assert.That(ethernet.SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(linkMac)));
            Assert.That(arp.HardwareAddressType, Is.EqualTo(LinkLayers.Ethernet));
            Assert.That(arp.ProtocolAddressType, Is.EqualTo(EthernetType.IPv4));
            Assert.That(arp.Operation, Is.EqualTo(ArpOperation.Response));
            Assert.That(arp.SenderHardwareAddress, Is.EqualTo(Frame.ToPhysical(linkMac)));
            Assert.That(arp.SenderProtocolAddress, Is.EqualTo(IPAddress.Parse(answeredFor)));
            Assert.That(arp.TargetHardwareAddress, Is.EqualTo(Frame.ToPhysical(requesterMac)));
            Assert.That(arp.TargetProtocolAddress, Is.EqualTo(IPAddress.Parse(requester)));
        });
    }
}
