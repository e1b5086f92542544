using System.Buffers.Binary;
using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Tests.Engine;
using Forwarder.Core.Tests.Support;

namespace Forwarder.Core.Tests.Neighbors;

/// <summary>
/// Neighbour Discovery as the director's IPv6 ARP (RFC 4861, Linux's ndisc): an unknown real server is solicited at
/// its solicited-node group while the frame waits, an advertisement releases it; the director answers solicitations
/// for its own addresses and learns who asks; the same retries and giving up as ARP.
/// </summary>
public sealed class NeighborDiscoveryTests
{
    private const long Second = 1_000_000;
    private static readonly InetAddress Server131 = Ipv6EngineRig.Server(131);
    private static readonly InetAddress DirectorPrivate = InetAddress.Parse(Ipv6EngineRig.DirectorPrivate);

    /// <summary>An ND message (type 135 or 136) with its link-layer option, its checksum computed by the test.</summary>
    private static byte[] NdFrame(byte type, MacAddress sourceMac, MacAddress destinationMac, InetAddress source, InetAddress destination, InetAddress target,
        uint flags = 0, bool withOption = true)
    {
        var message = new byte[24 + (withOption ? 8 : 0)];
        message[0] = type;
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), flags);
        target.WriteIpv6(message.AsSpan(8));
        if (withOption)
        {
            message[24] = type == 135 ? (byte)1 : (byte)2;
            message[25] = 1;
            sourceMac.Write(message.AsSpan(26));
        }
        var frame = new byte[14 + 40 + message.Length];
        destinationMac.Write(frame);
        sourceMac.Write(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), FrameLayout.EtherTypeIpv6);
        frame[14] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(18), (ushort)message.Length);
        frame[20] = 58;
        frame[21] = 255;
        source.WriteIpv6(frame.AsSpan(22));
        destination.WriteIpv6(frame.AsSpan(38));
        message.CopyTo(frame, 54);
        var pseudo = new byte[40];
        frame.AsSpan(22, 32).CopyTo(pseudo);
        BinaryPrimitives.WriteUInt32BigEndian(pseudo.AsSpan(32), (uint)message.Length);
        pseudo[39] = 58;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(56), InternetChecksum.Finish(InternetChecksum.Add(InternetChecksum.Add(0, pseudo), message)));
        return frame;
    }

    private static byte[] Advertisement(InetAddress target, MacAddress mac, bool solicited = true) =>
        NdFrame(136, mac, EngineRig.PrivateMac, target, DirectorPrivate, target, (solicited ? 0x4000_0000u : 0) | 0x2000_0000u);

    private static Ipv6EngineRig Unresolved(out byte[] solicitation)
    {
        var rig = new Ipv6EngineRig(allStatic: false);
        var outcome = rig.Feed(Ipv6EngineRig.ClientSegment(FrameLayout.TcpSyn), Ipv6EngineRig.Public);
        Assert.That(outcome, Is.EqualTo(FrameOutcome.Queued));
        solicitation = rig.Sent();
        return rig;
    }

    [Test]
    public void UnknownRealServer_IsSolicitedAtItsSolicitedNodeGroup_WhileTheFrameWaits()
    {
        var rig = Unresolved(out var ns);

        Assert.Multiple(() =>
        {
            Assert.That(rig.Output.Count, Is.EqualTo(1), "the solicitation only: the SYN waits");
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Ipv6EngineRig.Private));
            Assert.That(MacAddress.Read(ns), Is.EqualTo(Frame.Mac("33:33:ff:00:01:31")));
            Assert.That(MacAddress.Read(ns.AsSpan(6)), Is.EqualTo(EngineRig.PrivateMac));
            Assert.That(Ipv6Frame.SourceOf(ns), Is.EqualTo(DirectorPrivate), "our global address on the link, for a global target");
            Assert.That(Ipv6Frame.DestinationOf(ns), Is.EqualTo(InetAddress.Parse("ff02::1:ff00:131")));
            Assert.That((ns[20], ns[21], ns[54], ns[55]), Is.EqualTo(((byte)58, (byte)255, (byte)135, (byte)0)));
            Assert.That(InetAddress.ReadIpv6(ns.AsSpan(62)), Is.EqualTo(Server131));
            Assert.That((ns[78], ns[79]), Is.EqualTo(((byte)1, (byte)1)), "source link-layer address option");
            Assert.That(MacAddress.Read(ns.AsSpan(80)), Is.EqualTo(EngineRig.PrivateMac));
            Assert.That(Icmpv6Messages.Checksum(Ipv6Frame.SourceOf(ns), Ipv6Frame.DestinationOf(ns), ns.AsSpan(54)), Is.Zero);
            Assert.That(rig.Engine.Neighbors.StateOf(Server131, out _), Is.EqualTo(NeighborState.Incomplete));
        });
    }

    [Test]
    public void SolicitedAdvertisement_ReleasesTheWaitingFrame_AndMakesTheEntryReachable()
    {
        var rig = Unresolved(out _);
        rig.Now += 200_000;

        var outcome = rig.Feed(Advertisement(Server131, Ipv6EngineRig.ServerMac(131)), Ipv6EngineRig.Private);

        var released = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Answered));
            Assert.That(rig.Output.Count, Is.EqualTo(1));
            Assert.That(MacAddress.Read(released), Is.EqualTo(Ipv6EngineRig.ServerMac(131)));
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(released.AsSpan(12)), Is.EqualTo(FrameLayout.EtherTypeIpv6));
            Assert.That(Ipv6Frame.DestinationOf(released), Is.EqualTo(Server131));
            Assert.That(Ipv6Frame.ChecksumHolds(released), Is.True);
            Assert.That(rig.Engine.Neighbors.StateOf(Server131, out var mac), Is.EqualTo(NeighborState.Reachable));
            Assert.That(mac, Is.EqualTo(Ipv6EngineRig.ServerMac(131)));
        });
    }

    [Test]
    public void UnansweredSolicitations_AreRetriedEachSecond_ThenWhatWaitedIsDropped()
    {
        var rig = Unresolved(out _);
        var solicitations = 1;
        for (var tick = 1; tick <= 4; tick++)
        {
            rig.Output.Clear();
            rig.Engine.AdvanceClock(rig.Now + (tick * Second), rig.Output);
            solicitations += rig.Output.Count;
        }

        Assert.Multiple(() =>
        {
            Assert.That(solicitations, Is.EqualTo(3), "MAX_MULTICAST_SOLICIT");
            Assert.That(rig.Engine.Neighbors.StateOf(Server131, out _), Is.EqualTo(NeighborState.Failed));
            Assert.That(rig.Engine.Neighbors.UnresolvedDrops, Is.EqualTo(1));
        });
    }

    [Test]
    public void SolicitationForTheDirectorsOwnAddress_IsAnswered_AndTeachesItsSender()
    {
        var rig = new Ipv6EngineRig(allStatic: false);
        var ns = NdFrame(135, Ipv6EngineRig.ServerMac(131), Frame.Mac("33:33:ff:00:00:01"), Server131, InetAddress.Parse("ff02::1:ff00:1"), DirectorPrivate);

        var outcome = rig.Feed(ns, Ipv6EngineRig.Private);

        var na = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Answered));
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Ipv6EngineRig.Private));
            Assert.That(MacAddress.Read(na), Is.EqualTo(Ipv6EngineRig.ServerMac(131)));
            Assert.That((Ipv6Frame.SourceOf(na), Ipv6Frame.DestinationOf(na)), Is.EqualTo((DirectorPrivate, Server131)));
            Assert.That(na[54], Is.EqualTo(136));
            Assert.That(na[58], Is.EqualTo(0x60), "Solicited and Override");
            Assert.That(MacAddress.Read(na.AsSpan(80)), Is.EqualTo(EngineRig.PrivateMac));
            Assert.That(rig.Engine.Neighbors.StateOf(Server131, out var learned), Is.EqualTo(NeighborState.Stale), "as ndisc_recv_ns: the asker is learned, unconfirmed");
            Assert.That(learned, Is.EqualTo(Ipv6EngineRig.ServerMac(131)));
        });
    }

    [Test]
    public void SolicitationForAnotherHost_IsNotOurs_AndTeachesNothing()
    {
        var rig = new Ipv6EngineRig(allStatic: false);
        var ns = NdFrame(135, Ipv6EngineRig.ServerMac(131), Frame.Mac("33:33:ff:00:01:30"), Server131, InetAddress.Parse("ff02::1:ff00:130"), Ipv6EngineRig.Server(130));

        Assert.Multiple(() =>
        {
            Assert.That(rig.Feed(ns, Ipv6EngineRig.Private), Is.EqualTo(FrameOutcome.NotOursIpv6));
            Assert.That(rig.Output.Count, Is.Zero);
            Assert.That(rig.Engine.Neighbors.StateOf(Server131, out _), Is.EqualTo(NeighborState.None));
        });
    }

    [Test]
    public void UnsolicitedAdvertisement_ForAnUnknownHost_CreatesNoEntry()
    {
        var rig = new Ipv6EngineRig(allStatic: false);

        rig.Feed(Advertisement(Server131, Ipv6EngineRig.ServerMac(131), solicited: false), Ipv6EngineRig.Private);

        Assert.That(rig.Engine.Neighbors.StateOf(Server131, out _), Is.EqualTo(NeighborState.None));
    }

    [Test]
    public void AdvertisementWithoutOverride_KeepsTheMacAnEntryHas()
    {
        var rig = Unresolved(out _);
        rig.Feed(Advertisement(Server131, Ipv6EngineRig.ServerMac(131)), Ipv6EngineRig.Private);
        var other = Frame.Mac("00:0c:29:00:09:99");
        var noOverride = NdFrame(136, other, EngineRig.PrivateMac, Server131, DirectorPrivate, Server131, 0x4000_0000u);

        rig.Feed(noOverride, Ipv6EngineRig.Private);

        rig.Engine.Neighbors.StateOf(Server131, out var mac);
        Assert.That(mac, Is.EqualTo(Ipv6EngineRig.ServerMac(131)));
    }

    [Test]
    public void StaleEntryInUse_IsReprobedUnicastToItsAddressAndMac()
    {
        var rig = Unresolved(out _);
        rig.Feed(Advertisement(Server131, Ipv6EngineRig.ServerMac(131)), Ipv6EngineRig.Private);
        rig.Now += rig.Engine.Neighbors.ReachableTime + (2 * Second);
        rig.Engine.AdvanceClock(rig.Now, rig.Output);
        Assume.That(rig.Engine.Neighbors.StateOf(Server131, out _), Is.EqualTo(NeighborState.Stale));
        rig.Feed(Ipv6EngineRig.ClientSegment(FrameLayout.TcpSyn, port: 40001), Ipv6EngineRig.Public);
        rig.Feed(Ipv6EngineRig.ClientSegment(FrameLayout.TcpSyn, port: 40002), Ipv6EngineRig.Public);
        rig.Feed(Ipv6EngineRig.ClientSegment(FrameLayout.TcpSyn, port: 40003), Ipv6EngineRig.Public);

        rig.Output.Clear();
        rig.Now += 6 * Second;
        rig.Engine.AdvanceClock(rig.Now, rig.Output);

        var probe = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(rig.Engine.Neighbors.StateOf(Server131, out _), Is.EqualTo(NeighborState.Probe));
            Assert.That(MacAddress.Read(probe), Is.EqualTo(Ipv6EngineRig.ServerMac(131)));
            Assert.That(Ipv6Frame.DestinationOf(probe), Is.EqualTo(Server131));
            Assert.That(probe[54], Is.EqualTo(135));
        });
    }

    [Test]
    public void VrrpBackup_NeitherAdvertisesNorForwardsTheIpv6Vip()
    {
        var rig = new Ipv6EngineRig(settings: new EngineSettings { OwnsEveryServiceAddress = false });
        var vip = InetAddress.Parse(Ipv6EngineRig.Vip);
        var ns = NdFrame(135, EngineRig.ClientMac, Frame.Mac("33:33:ff:00:01:13"), InetAddress.Parse(Ipv6EngineRig.Client), InetAddress.Parse("ff02::1:ff00:113"), vip);

        Assert.Multiple(() =>
        {
            Assert.That(rig.Feed(ns, Ipv6EngineRig.Public), Is.EqualTo(FrameOutcome.NotOursIpv6));
            Assert.That(rig.Output.Count, Is.Zero);
            Assert.That(rig.Feed(Ipv6EngineRig.ClientSegment(FrameLayout.TcpSyn), Ipv6EngineRig.Public), Is.EqualTo(FrameOutcome.NotOursUnowned));
        });
    }
}
