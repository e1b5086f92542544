using System.Buffers.Binary;
using System.Net;
using Forwarder.Core.Frames;
using Forwarder.Core.Masquerading;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;
using static Forwarder.Core.Tests.Masquerading.MasqueradeRig;

namespace Forwarder.Core.Tests.Masquerading;

/// <summary>
/// Masquerading (netfilter's MASQUERADE in POSTROUTING): what a masqueraded network sends out leaves from the
/// public address, its source port kept when that tuple is free (as nf_nat keeps it), else another of 32768–60999;
/// the replies come back to the inside host's own address and port. Both ways are routed, so TTL drops by one.
/// </summary>
public sealed class MasqueradeForwardingTests
{
    [Test]
    public void InsideSynViaTheGateway_LeavesFromThePublicAddressWithItsPort()
    {
        var rig = Create();

        var outcome = rig.Feed(InsideTcp(131, 45000, RemoteHost, 443), Private);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
        AssertOutgoing(rig, GatewayMac, RemoteHost, 443, expectedPort: 45000);
    }

    [Test]
    public void InsideSynToAnOnLinkHost_GoesToThatHostsMac()
    {
        var rig = Create();

        var outcome = rig.Feed(InsideTcp(131, 45000, OnLinkHost, 22), Private);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
        AssertOutgoing(rig, OnLinkHostMac, OnLinkHost, 22, expectedPort: 45000);
    }

    [Test]
    public void ReplyToTheMasqueradedPort_ComesBackToTheInsideHostAndPort()
    {
        var rig = Create();
        rig.Feed(InsideTcp(131, 45000, RemoteHost, 443), Private);

        var outcome = rig.Feed(OutsideTcp(RemoteHost, 443, 45000), Public);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
        AssertIncoming(rig, 131, 45000, RemoteHost, 443);
    }

    [Test]
    public void SecondInsideHostWithTheSamePortToTheSameRemote_GetsAnotherPortFromTheRange()
    {
        var rig = Create();
        rig.Feed(InsideTcp(131, 45000, RemoteHost, 443), Private);

        rig.Feed(InsideTcp(130, 45000, RemoteHost, 443), Private);
        var second = Frame.ParseTcp(rig.Sent()).SourcePort;
        var toFirst = rig.Feed(OutsideTcp(RemoteHost, 443, 45000), Public);
        var firstBack = Frame.ParseIpv4(rig.Sent()).DestinationAddress;
        var toSecond = rig.Feed(OutsideTcp(RemoteHost, 443, second), Public);

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.InRange(MasqueradeTable.FirstPort, MasqueradeTable.LastPort));
            Assert.That(second, Is.Not.EqualTo(45000));
            Assert.That(toFirst, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(firstBack, Is.EqualTo(IPAddress.Parse("192.168.139.131")));
            Assert.That(toSecond, Is.EqualTo(FrameOutcome.Forwarded));
        });
        AssertIncoming(rig, 130, 45000, RemoteHost, 443);
    }

    [Test]
    public void SamePortToADifferentRemote_IsKept()
    {
        // The public tuple (public address:45000 ↔ other remote) is free, so netfilter keeps the port.
        var rig = Create();
        rig.Feed(InsideTcp(131, 45000, RemoteHost, 443), Private);

        rig.Feed(InsideTcp(130, 45000, OnLinkHost, 443), Private);

        Assert.That(Frame.ParseTcp(rig.Sent()).SourcePort, Is.EqualTo(45000));
    }

    [Test]
    public void PortOfAVirtualServiceOnThePublicAddress_IsNeverUsed()
    {
        var rig = Create();
        rig.Services.AddService(new ServiceSpec(new ServiceKey(IpProtocol.Tcp, Frame.Ip(PublicAddress), 8080), "rr"));

        rig.Feed(InsideTcp(131, 8080, RemoteHost, 443), Private);
        var tcpPort = Frame.ParseTcp(rig.Sent()).SourcePort;
        rig.Feed(Frame.Udp(ServerMac(131), PrivateMac, "192.168.139.131", 8080, RemoteHost, 53, [1]), Private);
        var udpPort = Frame.ParseUdp(rig.Sent()).SourcePort;

        Assert.Multiple(() =>
        {
            Assert.That(tcpPort, Is.Not.EqualTo(8080));
            Assert.That(tcpPort, Is.InRange(MasqueradeTable.FirstPort, MasqueradeTable.LastPort));
            Assert.That(udpPort, Is.EqualTo(8080), "only TCP 8080 is a service's");
        });
    }

    [Test]
    public void UdpDatagramAndItsReply_AreMasqueradedBothWays()
    {
        var rig = Create();

        var outcome = rig.Feed(InsideUdp(131, 5000, 53), Private);
        var sent = rig.Sent();
        var replyOutcome = rig.Feed(OutsideUdp(53, 5000), Public);
        var back = rig.Sent();

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(Frame.ParseIpv4(sent).SourceAddress, Is.EqualTo(IPAddress.Parse(PublicAddress)));
            Assert.That(Frame.ParseUdp(sent).SourcePort, Is.EqualTo(5000));
            Assert.That(Frame.ParseIpv4(sent).TimeToLive, Is.EqualTo(63));
            Assert.That(ReferenceChecksum.TransportIsValid(sent), Is.True);
            Assert.That(ReferenceChecksum.IpHeaderIsValid(sent), Is.True);
            Assert.That(replyOutcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(Frame.ParseIpv4(back).DestinationAddress, Is.EqualTo(IPAddress.Parse("192.168.139.131")));
            Assert.That(Frame.ParseUdp(back).DestinationPort, Is.EqualTo(5000));
            Assert.That(Frame.ParseEthernet(back).DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(ServerMac(131))));
            Assert.That(ReferenceChecksum.TransportIsValid(back), Is.True);
            Assert.That(ReferenceChecksum.IpHeaderIsValid(back), Is.True);
        });
    }

    [Test]
    public void EchoRequests_AreMasqueradedByIdentifier()
    {
        var rig = Create();
        byte[] data = [1, 2, 3, 4, 5, 6, 7];

        rig.Feed(IcmpFrame.EchoRequest(ServerMac(131), PrivateMac, "192.168.139.131", RemoteHost, 0x4242, 1, data), Private);
        var first = rig.Sent();
        rig.Feed(IcmpFrame.EchoRequest(ServerMac(130), PrivateMac, "192.168.139.130", RemoteHost, 0x4242, 1, data), Private);
        var second = rig.Sent();
        var secondId = BinaryPrimitives.ReadUInt16BigEndian(second.AsSpan(38));
        var toFirst = rig.Feed(IcmpFrame.EchoReply(GatewayMac, PublicMac, RemoteHost, PublicAddress, 0x4242, 1, data), Public);
        var firstBack = rig.Sent();
        var toSecond = rig.Feed(IcmpFrame.EchoReply(GatewayMac, PublicMac, RemoteHost, PublicAddress, secondId, 1, data), Public);
        var secondBack = rig.Sent();

        Assert.Multiple(() =>
        {
            Assert.That(Frame.ParseIpv4(first).SourceAddress, Is.EqualTo(IPAddress.Parse(PublicAddress)));
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(first.AsSpan(38)), Is.EqualTo(0x4242), "a free identifier is kept");
            Assert.That(secondId, Is.Not.EqualTo(0x4242));
            Assert.That(IcmpFrame.Parse(first).ValidIcmpChecksum && IcmpFrame.Parse(second).ValidIcmpChecksum, Is.True);
            Assert.That(toFirst, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(Frame.ParseIpv4(firstBack).DestinationAddress, Is.EqualTo(IPAddress.Parse("192.168.139.131")));
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(firstBack.AsSpan(38)), Is.EqualTo(0x4242));
            Assert.That(toSecond, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(Frame.ParseIpv4(secondBack).DestinationAddress, Is.EqualTo(IPAddress.Parse("192.168.139.130")));
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(secondBack.AsSpan(38)), Is.EqualTo(0x4242), "the inside host's own identifier restored");
            Assert.That(IcmpFrame.Parse(secondBack).ValidIcmpChecksum, Is.True);
            Assert.That(secondBack[34..], Has.Length.EqualTo(8 + data.Length));
        });
        Checksums.AssertValid(secondBack);
    }

    [Test]
    public void SourceOutsideTheMasqueradedNetworks_IsNotOurs()
    {
        var rig = Create();
        var routed = Frame.Tcp(ServerMac(131), PrivateMac, "10.9.9.9", 45000, RemoteHost, 443, syn: true);

        AssertNotOurs(rig, rig.Feed(routed, Private));
    }

    [Test]
    public void InsideToInside_IsNotMasqueraded()
    {
        var rig = Create();

        AssertNotOurs(rig, rig.Feed(InsideTcp(131, 45000, "192.168.139.200", 22), Private));
    }

    [Test]
    public void WithoutAMasqueradeLine_InsideTrafficIsNotOurs()
    {
        var rig = new Engine.EngineRig();

        AssertNotOurs(rig, rig.Feed(InsideTcp(131, 45000, RemoteHost, 443), Private));
    }

    [Test]
    public void UnsolicitedPacketToThePublicAddress_IsNotOurs()
    {
        var rig = Create();

        AssertNotOurs(rig, rig.Feed(OutsideTcp(RemoteHost, 443, 45000, syn: true, ack: false), Public));
    }

    private static void AssertNotOurs(Engine.EngineRig rig, FrameOutcome outcome) =>
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.NotOurs));
            Assert.That(rig.Output.Count, Is.Zero);
            Assert.That(rig.Engine.Masquerade.Count, Is.Zero);
        });

    private static void AssertOutgoing(Engine.EngineRig rig, Forwarder.Core.Frames.MacAddress nextHopMac, string remote, ushort remotePort, ushort expectedPort)
    {
        Assert.That(rig.Output.Count, Is.EqualTo(1));
        var sent = rig.Sent();
        var ip = Frame.ParseIpv4(sent);
        var tcp = Frame.ParseTcp(sent);
        Assert.Multiple(() =>
        {
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Public));
            Assert.That(Frame.ParseEthernet(sent).DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(nextHopMac)));
            Assert.That(Frame.ParseEthernet(sent).SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PublicMac)));
            Assert.That(ip.SourceAddress, Is.EqualTo(IPAddress.Parse(PublicAddress)));
            Assert.That(tcp.SourcePort, Is.EqualTo(expectedPort));
            Assert.That(ip.DestinationAddress, Is.EqualTo(IPAddress.Parse(remote)));
            Assert.That(tcp.DestinationPort, Is.EqualTo(remotePort));
            Assert.That(ip.TimeToLive, Is.EqualTo(63));
        });
        Checksums.AssertAllValid(rig.Output);
    }

    private static void AssertIncoming(Engine.EngineRig rig, int octet, ushort port, string remote, ushort remotePort)
    {
        Assert.That(rig.Output.Count, Is.EqualTo(1));
        var sent = rig.Sent();
        var ip = Frame.ParseIpv4(sent);
        var tcp = Frame.ParseTcp(sent);
        Assert.Multiple(() =>
        {
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Private));
            Assert.That(Frame.ParseEthernet(sent).DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(ServerMac(octet))));
            Assert.That(Frame.ParseEthernet(sent).SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PrivateMac)));
            Assert.That(ip.DestinationAddress, Is.EqualTo(IPAddress.Parse($"192.168.139.{octet}")));
            Assert.That(tcp.DestinationPort, Is.EqualTo(port));
            Assert.That(ip.SourceAddress, Is.EqualTo(IPAddress.Parse(remote)));
            Assert.That(tcp.SourcePort, Is.EqualTo(remotePort));
            Assert.That(ip.TimeToLive, Is.EqualTo(63));
        });
        Checksums.AssertAllValid(rig.Output);
    }
}
