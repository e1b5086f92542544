using System.Buffers.Binary;
using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Engine;
using Forwarder.Core.Tests.Support;

namespace Forwarder.Core.Tests.Ownership;

/// <summary>
/// VIP ownership for IPv6 addresses: a backup answers no Neighbour Solicitation for an IPv6 VIP and forwards nothing
/// for it until it takes the address; the take is announced as keepalived announces an IPv6 VIP, with unsolicited
/// Neighbour Advertisements to all nodes on the gratuitous ARP schedule (five at once, five more 5 s later); a release
/// stops the answers and the announcements still pending.
/// </summary>
public sealed class Ipv6VirtualAddressOwnershipTests
{
    private const string Gateway = "2001:db8:139::142";
    private static readonly InetAddress Vip = InetAddress.Parse(Ipv6EngineRig.Vip);

    private static Ipv6EngineRig Backup() => new(settings: new EngineSettings { OwnsEveryServiceAddress = false });

    /// <summary>A client's Neighbour Solicitation for <paramref name="target"/>, to its solicited-node group, with its MAC in the option.</summary>
    private static byte[] Solicitation(InetAddress target, InetAddress source, MacAddress sourceMac)
    {
        var message = new byte[32];
        message[0] = 135;
        target.WriteIpv6(message.AsSpan(8));
        message[24] = 1;
        message[25] = 1;
        sourceMac.Write(message.AsSpan(26));
        var group = InetAddress.FromIpv6(0xFF02_0000_0000_0000UL, 0x0000_0001_FF00_0000UL | (target.Low & 0xFF_FFFFUL));
        var frame = new byte[14 + 40 + 32];
        new MacAddress(0x3333_0000_0000UL | (group.Low & 0xFFFF_FFFFUL)).Write(frame);
        sourceMac.Write(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), FrameLayout.EtherTypeIpv6);
        frame[14] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(18), 32);
        frame[20] = 58;
        frame[21] = 255;
        source.WriteIpv6(frame.AsSpan(22));
        group.WriteIpv6(frame.AsSpan(38));
        message.CopyTo(frame, 54);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(56), Ipv6Frame.TransportChecksum(frame, 54, 58));
        return frame;
    }

    private static byte[] ClientSolicitation(InetAddress target) =>
        Solicitation(target, InetAddress.Parse(Ipv6EngineRig.Client), EngineRig.ClientMac);

    private static List<(int Interface, byte[] Bytes)> Drain(Ipv6EngineRig rig, long at)
    {
        rig.Output.Clear();
        rig.Engine.AdvanceClock(at, rig.Output);
        var sent = Enumerable.Range(0, rig.Output.Count).Select(i => (rig.Output.InterfaceAt(i), rig.Sent(i))).ToList();
        rig.Output.Clear();
        return sent;
    }

    [Test]
    public void Backup_AnswersNoSolicitationForTheIpv6Vip_AndForwardsNothingForIt()
    {
        var rig = Backup();

        Assert.Multiple(() =>
        {
            Assert.That(rig.Feed(ClientSolicitation(Vip), Ipv6EngineRig.Public), Is.EqualTo(FrameOutcome.NotOursIpv6));
            Assert.That(rig.Output.Count, Is.Zero);
            Assert.That(rig.Feed(Ipv6EngineRig.ClientSegment(FrameLayout.TcpSyn), Ipv6EngineRig.Public), Is.Not.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Connections.Count, Is.Zero);
        });
    }

    [Test]
    public void TakenIpv6Vip_IsAnsweredAndForwarded_UntilReleased()
    {
        var rig = Backup();
        rig.Engine.Ownership.Take([Vip], rig.Now);
        Drain(rig, rig.Now);

        var answered = rig.Feed(ClientSolicitation(Vip), Ipv6EngineRig.Public);
        var na = rig.Sent();
        var forwarded = rig.Feed(Ipv6EngineRig.ClientSegment(FrameLayout.TcpSyn), Ipv6EngineRig.Public);
        rig.Engine.Ownership.Release([Vip]);
        var afterRelease = rig.Feed(ClientSolicitation(Vip), Ipv6EngineRig.Public);

        Assert.Multiple(() =>
        {
            Assert.That(answered, Is.EqualTo(FrameOutcome.Answered));
            Assert.That((MacAddress.Read(na), na[54], na[58], MacAddress.Read(na.AsSpan(80))), Is.EqualTo((EngineRig.ClientMac, (byte)136, (byte)0x60, EngineRig.PublicMac)),
                "a solicited advertisement of the public MAC");
            Assert.That(forwarded, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(afterRelease, Is.EqualTo(FrameOutcome.NotOursIpv6), "a released VIP is no longer answered");
            Assert.That(rig.Output.Count, Is.Zero);
            Assert.That(rig.Engine.Ownership.OwnsServiceAddress(Vip), Is.False);
        });
    }

    [Test]
    public void TakenIpv6Gateway_IsAnsweredOnThePrivateLinkOnly()
    {
        var rig = Backup();
        var gateway = InetAddress.Parse(Gateway);
        rig.Engine.Ownership.Take([gateway], rig.Now);
        Drain(rig, rig.Now);

        var fromServer = Solicitation(gateway, Ipv6EngineRig.Server(131), Ipv6EngineRig.ServerMac(131));
        Assert.Multiple(() =>
        {
            Assert.That(rig.Engine.Ownership.Taken.Single().InterfaceName, Is.EqualTo("eth1"));
            Assert.That(rig.Feed(fromServer, Ipv6EngineRig.Private), Is.EqualTo(FrameOutcome.Answered));
            Assert.That(MacAddress.Read(rig.Sent().AsSpan(80)), Is.EqualTo(EngineRig.PrivateMac));
            Assert.That(rig.Feed(ClientSolicitation(gateway), Ipv6EngineRig.Public), Is.EqualTo(FrameOutcome.NotOursIpv6), "not on the public link");
        });
    }

    [Test]
    public void Take_SendsKeepalivedsUnsolicitedAdvertisements_FiveAtOnceAndFiveMoreFiveSecondsLater()
    {
        var rig = Backup();
        rig.Engine.Ownership.Take([Vip, InetAddress.Parse(Gateway)], rig.Now);

        var first = Drain(rig, rig.Now);
        var early = Drain(rig, rig.Now + 4_900_000);
        var second = Drain(rig, rig.Now + 5_000_000);
        var later = Drain(rig, rig.Now + 60_000_000);

        Assert.Multiple(() =>
        {
            Assert.That(first.Count(f => f.Interface == Ipv6EngineRig.Public), Is.EqualTo(5), "the VIP's five, on the public link");
            Assert.That(first.Count(f => f.Interface == Ipv6EngineRig.Private), Is.EqualTo(5), "the gateway's five, on the private link");
            Assert.That(early, Is.Empty, "nothing more before 5 s");
            Assert.That(second, Has.Count.EqualTo(10), "the second round");
            Assert.That(later, Is.Empty, "and no third");
            Assert.That((rig.Engine.Ownership.UnsolicitedAdvertisementsSent, rig.Engine.Ownership.GratuitousArpsSent), Is.EqualTo((20L, 0L)));
        });
    }

    [Test]
    public void UnsolicitedAdvertisement_IsKeepalivedsToAllNodes_ByteForByte()
    {
        var rig = Backup();
        rig.Engine.Ownership.Take([Vip, InetAddress.Parse(Gateway)], rig.Now);

        var sent = Drain(rig, rig.Now);

        // Hand-laid as ndisc_send_unsolicited_na builds it; the checksums computed by hand over the pseudo-header.
        static byte[] Expected(string mac, string address, string checksum) => Convert.FromHexString(
            "333300000001" + mac + "86dd" + // Ethernet: all-nodes group, from the link's MAC, IPv6
            "60000000" + "0020" + "3a" + "ff" + // version 6, payload 32, ICMPv6, hop limit 255
            address + "ff020000000000000000000000000001" + // from the address itself, to ff02::1
            "88" + "00" + checksum + "20000000" + // Neighbour Advertisement, code 0; Override only (not Router, not Solicited)
            address + // target: the address
            "0201" + mac); // target link-layer address option, one 8-byte unit: the link's MAC
        var vip = Expected("020000000002", "20010db8000000000000000000000113", "f705");
        var gateway = Expected("020000000001", "20010db8013900000000000000000142", "f436");
        Assert.Multiple(() =>
        {
            Assert.That(sent.Where(s => s.Interface == Ipv6EngineRig.Public).Select(s => s.Bytes), Is.EqualTo(Enumerable.Repeat(vip, 5)));
            Assert.That(sent.Where(s => s.Interface == Ipv6EngineRig.Private).Select(s => s.Bytes), Is.EqualTo(Enumerable.Repeat(gateway, 5)));
        });
    }

    [Test]
    public void Release_DropsTheAdvertisementsStillPending()
    {
        var rig = Backup();
        rig.Engine.Ownership.Take([Vip], rig.Now);
        Drain(rig, rig.Now);

        rig.Engine.Ownership.Release([Vip]);

        Assert.That(Drain(rig, rig.Now + 10_000_000), Is.Empty);
    }

    [Test]
    public void Take_RefusesTheDirectorsOwnIpv6Address_AndChangesNothing()
    {
        var rig = Backup();

        Assert.Throws<ArgumentException>(() => rig.Engine.Ownership.Take([Vip, InetAddress.Parse(Ipv6EngineRig.DirectorPublic)], rig.Now));
        Assert.That(rig.Engine.Ownership.Taken, Is.Empty);
    }

    [Test]
    public void StandaloneDirectorReleasingOneAddress_KeepsItsIpv6Vips()
    {
        var rig = new Ipv6EngineRig();

        rig.Engine.Ownership.Release([InetAddress.Parse("192.168.1.199")]);

        Assert.Multiple(() =>
        {
            Assert.That(rig.Engine.Ownership.OwnsServiceAddress(Vip), Is.True, "every service address it owned stays owned, the IPv6 ones too");
            Assert.That(rig.Feed(ClientSolicitation(Vip), Ipv6EngineRig.Public), Is.EqualTo(FrameOutcome.Answered));
        });
    }
}
