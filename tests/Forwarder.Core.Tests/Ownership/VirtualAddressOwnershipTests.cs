using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Engine;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Ownership;

/// <summary>
/// VIP ownership (a VRRP pair's backup and master): a director answers ARP and echo and forwards only for the addresses
/// it owns; taking one announces it with keepalived's gratuitous ARP; the real servers' gateway address is owned, and
/// announced, on the private link. A standalone director owns every service address, as before.
/// </summary>
public sealed class VirtualAddressOwnershipTests
{
    private const string Gateway = "192.168.139.142";

    private static EngineRig Backup() => new(settings: new EngineSettings { OwnsEveryServiceAddress = false });

    private static void Take(EngineRig rig, params string[] addresses)
    {
        rig.Engine.Ownership.Take(addresses.Select(Frame.Ip).ToArray(), rig.Now);
        rig.Output.Clear();
    }

    [Test]
    public void StandaloneDirector_OwnsEveryServiceAddress_AndAnswersArpForTheVip()
    {
        var rig = new EngineRig();

        Assert.Multiple(() =>
        {
            Assert.That(rig.Engine.Ownership.OwnsEveryServiceAddress, Is.True);
            Assert.That(rig.Feed(Frame.ArpRequest(ClientMac, Client, Vip), Public), Is.EqualTo(FrameOutcome.Answered));
        });
    }

    [Test]
    public void Backup_DoesNotAnswerArpForTheVip()
    {
        var rig = Backup();

        var outcome = rig.Feed(Frame.ArpRequest(ClientMac, Client, Vip), Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.NotOurs));
            Assert.That(rig.Output.Count, Is.Zero);
        });
    }

    [Test]
    public void Backup_LeavesANewFlowForTheVipAlone()
    {
        var rig = Backup();

        var outcome = rig.Feed(rig.ClientSyn(), Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.NotOursUnowned));
            Assert.That(rig.Output.Count, Is.Zero);
            Assert.That(rig.Connections.Count, Is.Zero);
        });
    }

    [Test]
    public void Backup_DoesNotAnswerEchoForTheVip()
    {
        var rig = Backup();

        var outcome = rig.Feed(Frame.IcmpEcho(ClientMac, PublicMac, Client, Vip), Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.Not.EqualTo(FrameOutcome.Answered));
            Assert.That(rig.Output.Count, Is.Zero);
        });
    }

    [Test]
    public void AfterTake_TheVipIsAnsweredForwardedAndEchoed()
    {
        var rig = Backup();
        Take(rig, Vip);

        Assert.Multiple(() =>
        {
            Assert.That(rig.Feed(Frame.ArpRequest(ClientMac, Client, Vip), Public), Is.EqualTo(FrameOutcome.Answered));
            Assert.That(rig.Feed(rig.ClientSyn(), Public), Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Feed(Frame.IcmpEcho(ClientMac, PublicMac, Client, Vip), Public), Is.EqualTo(FrameOutcome.Answered));
        });
    }

    [Test]
    public void AfterRelease_AConnectionsPacketsAreLeftAloneBothWays()
    {
        var rig = new EngineRig();
        Assert.That(rig.Feed(rig.ClientSyn(), Public), Is.EqualTo(FrameOutcome.Forwarded));
        var server = Frame.ParseIpv4(rig.Sent()).DestinationAddress.ToString();
        var octet = int.Parse(server.Split('.')[3], System.Globalization.CultureInfo.InvariantCulture);

        rig.Engine.Ownership.Release([Frame.Ip(Vip)]);

        Assert.Multiple(() =>
        {
            Assert.That(rig.Engine.Ownership.OwnsEveryServiceAddress, Is.False);
            Assert.That(rig.Feed(ServerSegment(octet, Client, 40000, syn: true, ack: true), Private), Is.EqualTo(FrameOutcome.NotOursUnowned), "the reply");
            Assert.That(rig.Output.Count, Is.Zero);
            Assert.That(rig.Feed(Frame.ArpRequest(ClientMac, Client, Vip), Public), Is.EqualTo(FrameOutcome.NotOurs), "ARP");
        });
    }

    [Test]
    public void TakenGateway_IsAnsweredOnThePrivateLinkOnly()
    {
        var rig = Backup();
        Assert.That(rig.Feed(Frame.ArpRequest(ServerMac(131), "192.168.139.131", Gateway), Private), Is.EqualTo(FrameOutcome.NotOurs), "before the take");

        Take(rig, Vip, Gateway);

        Assert.Multiple(() =>
        {
            Assert.That(rig.Feed(Frame.ArpRequest(ServerMac(131), "192.168.139.131", Gateway), Private), Is.EqualTo(FrameOutcome.Answered));
            var reply = ArpFrame.Parse(rig.Sent());
            Assert.That(reply.SenderHardwareAddress, Is.EqualTo(Frame.ToPhysical(PrivateMac)));
            Assert.That(reply.SenderProtocolAddress.ToString(), Is.EqualTo(Gateway));
            Assert.That(rig.Feed(Frame.ArpRequest(ClientMac, Client, Gateway), Public), Is.EqualTo(FrameOutcome.NotOurs), "not on the public link");
            Assert.That(rig.Feed(Frame.ArpRequest(ServerMac(131), "192.168.139.131", Vip), Private), Is.EqualTo(FrameOutcome.NotOurs), "the VIP not on the private link");
        });
    }

    [Test]
    public void Take_SendsKeepalivedsGratuitousArp_FiveAtOnceAndFiveMoreFiveSecondsLater()
    {
        var rig = Backup();
        rig.Engine.Ownership.Take([Frame.Ip(Vip), Frame.Ip(Gateway)], rig.Now);

        rig.Engine.AdvanceClock(rig.Now, rig.Output);
        var first = Enumerable.Range(0, rig.Output.Count).Select(rig.Sent).ToList();
        rig.Output.Clear();
        rig.Engine.AdvanceClock(rig.Now + 4_900_000, rig.Output);
        var early = rig.Output.Count;
        rig.Engine.AdvanceClock(rig.Now + 5_000_000, rig.Output);
        var second = rig.Output.Count;
        rig.Output.Clear();
        rig.Engine.AdvanceClock(rig.Now + 60_000_000, rig.Output);

        var vip = first.Where(f => ArpFrame.Parse(f).SenderProtocolAddress.ToString() == Vip).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(first, Has.Count.EqualTo(10), "five for each address at once");
            Assert.That(vip, Has.Count.EqualTo(5));
            Assert.That(early, Is.Zero, "nothing more before 5 s");
            Assert.That(second, Is.EqualTo(10), "the second round");
            Assert.That(rig.Output.Count, Is.Zero, "and no third");
            Assert.That(rig.Engine.Ownership.GratuitousArpsSent, Is.EqualTo(20));
        });
    }

    [Test]
    public void GratuitousArp_IsABroadcastRequestWhoseSenderAndTargetAreTheAddress_ByteForByte()
    {
        var rig = Backup();
        rig.Engine.Ownership.Take([Frame.Ip(Vip), Frame.Ip(Gateway)], rig.Now);

        rig.Engine.AdvanceClock(rig.Now, rig.Output);

        byte[] Expected(string mac, byte last) =>
        [
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, byte.Parse(mac, System.Globalization.CultureInfo.InvariantCulture), 0x08, 0x06, // Ethernet: broadcast, from the link's MAC, ARP
            0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, // Ethernet/IPv4, lengths 6 and 4, request
            0x02, 0x00, 0x00, 0x00, 0x00, byte.Parse(mac, System.Globalization.CultureInfo.InvariantCulture), 0xc0, 0xa8, last == 199 ? (byte)0x01 : (byte)0x8b, last, // sender: our MAC, the address
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc0, 0xa8, last == 199 ? (byte)0x01 : (byte)0x8b, last, // target: all ones, the address again
        ];
        var sent = Enumerable.Range(0, rig.Output.Count).Select(i => (Interface: rig.Output.InterfaceAt(i), Bytes: rig.Sent(i))).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(sent.Where(s => s.Interface == Public).Select(s => s.Bytes), Is.EqualTo(Enumerable.Repeat(Expected("2", 199), 5)), "the VIP on the public link");
            Assert.That(sent.Where(s => s.Interface == Private).Select(s => s.Bytes), Is.EqualTo(Enumerable.Repeat(Expected("1", 142), 5)), "the gateway on the private link");
        });
    }

    [Test]
    public void Release_DropsTheAnnouncementsStillPending()
    {
        var rig = Backup();
        rig.Engine.Ownership.Take([Frame.Ip(Vip)], rig.Now);
        rig.Engine.AdvanceClock(rig.Now, rig.Output);
        rig.Output.Clear();

        rig.Engine.Ownership.Release([Frame.Ip(Vip)]);
        rig.Engine.AdvanceClock(rig.Now + 10_000_000, rig.Output);

        Assert.That(rig.Output.Count, Is.Zero);
    }

    [Test]
    public void Take_RefusesTheDirectorsOwnAddress_AndChangesNothing()
    {
        var rig = Backup();

        Assert.Throws<ArgumentException>(() => rig.Engine.Ownership.Take([Frame.Ip(Vip), Frame.Ip("192.168.1.1")], rig.Now));
        Assert.That(rig.Engine.Ownership.Taken, Is.Empty);
    }
}
