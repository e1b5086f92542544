using System.Buffers.Binary;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;

namespace Forwarder.Core.Tests.Engine;

/// <summary>
/// Direct routing over IPv6 (ip_vs_dr_xmit_v6: the frame re-addressed to the real server's MAC, only the hop limit
/// lowered), masquerading of an IPv6 real-server network behind the public IPv6 address, and the director's own
/// IPv6 addresses answering echo.
/// </summary>
public sealed class Ipv6DirectRouteAndMasqueradeTests
{
    [Test]
    public void DirectRoute_SendsThePacketUnchangedToTheRealServersMac()
    {
        var rig = new Ipv6EngineRig(ForwardingMethod.DirectRoute);
        var syn = Ipv6EngineRig.ClientSegment(FrameLayout.TcpSyn);

        var outcome = rig.Feed(syn, Ipv6EngineRig.Public);

        var sent = rig.Sent();
        var expected = (byte[])syn.Clone();
        expected[14 + 7]--;
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Ipv6EngineRig.Private));
            Assert.That(MacAddress.Read(sent), Is.EqualTo(Ipv6EngineRig.ServerMac(131)));
            Assert.That(MacAddress.Read(sent.AsSpan(6)), Is.EqualTo(EngineRig.PrivateMac));
            Assert.That(sent.AsSpan(12).ToArray(), Is.EqualTo(expected.AsSpan(12).ToArray()), "the packet itself is the client's, hop limit one lower");
            Assert.That(Ipv6Frame.ChecksumHolds(sent), Is.True, "the hop limit is in no checksum");
        });
    }

    [Test]
    public void DirectRoute_ServerRepliesDoNotPassTheDirector()
    {
        var rig = new Ipv6EngineRig(ForwardingMethod.DirectRoute);
        rig.Feed(Ipv6EngineRig.ClientSegment(FrameLayout.TcpSyn), Ipv6EngineRig.Public);

        var reply = Ipv6Frame.Tcp(Ipv6EngineRig.ServerMac(131), EngineRig.PrivateMac, Ipv6EngineRig.Vip, 80, Ipv6EngineRig.Client, 40000, FrameLayout.TcpSyn | FrameLayout.TcpAck);

        Assert.That(rig.Feed(reply, Ipv6EngineRig.Private), Is.EqualTo(FrameOutcome.NotOursIpv6));
    }

    [Test]
    public void Masquerade_AnInsideHostLeavesFromThePublicIpv6Address_AndTheReplyComesBack()
    {
        var rig = new Ipv6EngineRig(extraTopology: "masquerade 2001:db8:139::/64");
        var outbound = Ipv6Frame.Tcp(Ipv6EngineRig.ServerMac(129), EngineRig.PrivateMac, "2001:db8:139::129", 41000, "2001:db8:ff::7", 443, FrameLayout.TcpSyn);

        var outgoing = rig.Feed(outbound, Ipv6EngineRig.Private);
        var sent = rig.Sent();
        var publicPort = Ipv6Frame.SourcePortOf(sent);
        var answer = Ipv6Frame.Tcp(EngineRig.GatewayMac, EngineRig.PublicMac, "2001:db8:ff::7", 443, Ipv6EngineRig.DirectorPublic, publicPort,
            FrameLayout.TcpSyn | FrameLayout.TcpAck);
        var incoming = rig.Feed(answer, Ipv6EngineRig.Public);
        var back = rig.Sent();

        Assert.Multiple(() =>
        {
            Assert.That(outgoing, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(MacAddress.Read(sent), Is.EqualTo(EngineRig.GatewayMac), "off-link: through the IPv6 default route");
            Assert.That(Ipv6Frame.SourceOf(sent), Is.EqualTo(InetAddress.Parse(Ipv6EngineRig.DirectorPublic)));
            Assert.That(publicPort, Is.EqualTo(41000), "the inside port kept while free, as netfilter");
            Assert.That(Ipv6Frame.HopLimitOf(sent), Is.EqualTo(63));
            Assert.That(Ipv6Frame.ChecksumHolds(sent), Is.True);
            Assert.That(incoming, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(MacAddress.Read(back), Is.EqualTo(Ipv6EngineRig.ServerMac(129)));
            Assert.That((Ipv6Frame.DestinationOf(back), Ipv6Frame.DestinationPortOf(back)), Is.EqualTo((Ipv6EngineRig.Server(129), (ushort)41000)));
            Assert.That(Ipv6Frame.ChecksumHolds(back), Is.True);
            Assert.That(rig.Engine.Masquerade.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public void Masquerade_AHostOutsideTheMasqueradedPrefix_IsNotOurs()
    {
        var rig = new Ipv6EngineRig(extraTopology: "masquerade 2001:db8:139:1::/64");
        var outbound = Ipv6Frame.Tcp(Ipv6EngineRig.ServerMac(129), EngineRig.PrivateMac, "2001:db8:139::129", 41000, "2001:db8:ff::7", 443, FrameLayout.TcpSyn);

        Assert.That(rig.Feed(outbound, Ipv6EngineRig.Private), Is.EqualTo(FrameOutcome.NotOursIpv6));
    }

    [TestCase(Ipv6EngineRig.DirectorPrivate, Ipv6EngineRig.Private)]
    [TestCase(Ipv6EngineRig.DirectorPublic, Ipv6EngineRig.Public)]
    public void EchoToTheDirectorsOwnAddress_IsAnswered(string own, int link)
    {
        var rig = new Ipv6EngineRig();
        byte[] echo = [128, 0, 0, 0, 0x12, 0x34, 0, 1, 0xAA, 0xBB];
        var source = link == Ipv6EngineRig.Private ? "2001:db8:139::129" : Ipv6EngineRig.Client;
        var mac = link == Ipv6EngineRig.Private ? Ipv6EngineRig.ServerMac(129) : EngineRig.ClientMac;
        var frame = new byte[14 + 40 + echo.Length];
        (link == Ipv6EngineRig.Private ? EngineRig.PrivateMac : EngineRig.PublicMac).Write(frame);
        mac.Write(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), FrameLayout.EtherTypeIpv6);
        frame[14] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(18), (ushort)echo.Length);
        frame[20] = 58;
        frame[21] = 64;
        InetAddress.Parse(source).WriteIpv6(frame.AsSpan(22));
        InetAddress.Parse(own).WriteIpv6(frame.AsSpan(38));
        echo.CopyTo(frame, 54);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(56), Icmpv6Messages.Checksum(InetAddress.Parse(source), InetAddress.Parse(own), frame.AsSpan(54)));

        var outcome = rig.Feed(frame, link);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Answered));
            Assert.That(rig.Sent()[54], Is.EqualTo(129));
            Assert.That(Ipv6Frame.SourceOf(rig.Sent()), Is.EqualTo(InetAddress.Parse(own)));
        });
    }
}
