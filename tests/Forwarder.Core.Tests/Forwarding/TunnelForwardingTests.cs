using System.Buffers.Binary;
using System.Net;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Engine;
using Forwarder.Core.Tests.Support;
using PacketDotNet;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Forwarding;

/// <summary>
/// IP-in-IP tunnelling (-i), after ip_vs_tunnel_xmit: the client's packet, untouched but one TTL lower (the kernel's
/// decrement_ttl), inside an outer IPv4 header (RFC 2003, protocol 4) from the private interface address to the real
/// server, TOS, DF and the lowered TTL copied from the inner header; too big for the link with DF set → ICMP fragmentation needed (RFC 1191) with next-hop MTU = MTU − 20;
/// without DF → outer fragments (RFC 791).
/// </summary>
public sealed class TunnelForwardingTests
{
    private const int SmallMtu = 600;

    [TestCase(true)]
    [TestCase(false)]
    public void ClientSyn_IsEncapsulatedWhole(bool dontFragment)
    {
        var rig = new EngineRig(ForwardingMethod.Tunnel);
        var syn = FrameEdit.WithTosAndDontFragment(rig.ClientSyn(ttl: 50), tos: 0x28, dontFragment);
        var inner = FrameEdit.WithTtlLowered(syn)[14..];

        var outcome = rig.Feed(syn, Public);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
        Assert.That(rig.Output.Count, Is.EqualTo(1));
        var sent = rig.Sent();
        var ethernet = Frame.ParseEthernet(sent);
        Assert.Multiple(() =>
        {
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Private));
            Assert.That(ethernet.DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(ServerMac(131))));
            Assert.That(ethernet.SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PrivateMac)));
            Assert.That(ethernet.Type, Is.EqualTo(EthernetType.IPv4));
            Assert.That(sent[14], Is.EqualTo(0x45), "version 4, a plain 20-byte header");
            Assert.That(sent[15], Is.EqualTo(0x28), "TOS copied from the inner header");
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(sent.AsSpan(16)), Is.EqualTo(20 + inner.Length), "total length");
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(sent.AsSpan(20)), Is.EqualTo(dontFragment ? 0x4000 : 0), "DF copied, no fragment");
            Assert.That(sent[22], Is.EqualTo(49), "the inner header's TTL after decrement_ttl, copied as ip_vs_prepare_tunneled_skb");
            Assert.That(sent[23], Is.EqualTo(4), "protocol 4: IP in IP");
            Assert.That(new IPAddress(sent.AsSpan(26, 4)), Is.EqualTo(IPAddress.Parse("192.168.139.1")));
            Assert.That(new IPAddress(sent.AsSpan(30, 4)), Is.EqualTo(IPAddress.Parse("192.168.139.131")));
            Assert.That(ReferenceChecksum.IpHeaderIsValid(sent), Is.True, "outer header checksum");
            Assert.That(sent[34 + 8], Is.EqualTo(49), "the inner TTL one lower");
            Assert.That(ReferenceChecksum.IpHeaderIsValid(sent.AsSpan(20)), Is.True, "inner header checksum follows its TTL");
            Assert.That(sent[34..], Is.EqualTo(inner), "the inner packet byte for byte but its TTL and header checksum");
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [Test]
    public void InnerPacketThatJustFits_IsSentWhole()
    {
        var rig = new EngineRig(ForwardingMethod.Tunnel, privateMtu: SmallMtu);
        rig.Feed(rig.ClientSyn(), Public);
        var data = DataSegment(innerLength: SmallMtu - 20, dontFragment: true);

        var outcome = rig.Feed(data, Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Output.Count, Is.EqualTo(1));
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(rig.Sent().AsSpan(16)), Is.EqualTo(SmallMtu));
        });
    }

    [Test]
    public void TooBigWithDontFragment_IsDroppedAndTheClientToldTheMtuFromTheVip()
    {
        var rig = new EngineRig(ForwardingMethod.Tunnel, privateMtu: SmallMtu);
        rig.Feed(rig.ClientSyn(), Public);
        var data = DataSegment(innerLength: 1040, dontFragment: true);

        var outcome = rig.Feed(data, Public);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedTooBig));
        Assert.That(rig.Output.Count, Is.EqualTo(1), "the ICMP error only; nothing to the server");
        var sent = rig.Sent();
        var ethernet = Frame.ParseEthernet(sent);
        var ip = Frame.ParseIpv4(sent);
        var icmp = sent[(14 + 20)..];
        Assert.Multiple(() =>
        {
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Public));
            Assert.That(ethernet.DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(ClientMac)));
            Assert.That(ethernet.SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PublicMac)));
            Assert.That(ip.Protocol, Is.EqualTo(ProtocolType.Icmp));
            Assert.That(ip.SourceAddress, Is.EqualTo(IPAddress.Parse(Vip)), "from the address the client sent to");
            Assert.That(ip.DestinationAddress, Is.EqualTo(IPAddress.Parse(Client)));
            Assert.That(icmp[0], Is.EqualTo(3), "destination unreachable");
            Assert.That(icmp[1], Is.EqualTo(4), "fragmentation needed and DF set");
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(icmp.AsSpan(4)), Is.Zero, "unused");
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(icmp.AsSpan(6)), Is.EqualTo(SmallMtu - 20), "next-hop MTU: the link's less the outer header");
            Assert.That(ip.TotalLength, Is.LessThanOrEqualTo(576), "RFC 1812 4.3.2.3");
            Assert.That(IcmpFrame.QuotedOf(sent), Is.EqualTo(FrameEdit.WithTtlLowered(data).AsSpan(14, 548).ToArray()),
                "as much of the offending packet as fits in 576 bytes, its TTL already lowered (decrement_ttl runs before the MTU check)");
            Assert.That(rig.TcpServer(131).Counters.InPackets, Is.EqualTo(2), "as ip_vs_in: counted as it enters, before the tunnel's xmit refuses it");
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [Test]
    public void OneByteTooBigWithDontFragment_IsDroppedTooBig()
    {
        var rig = new EngineRig(ForwardingMethod.Tunnel, privateMtu: SmallMtu);
        rig.Feed(rig.ClientSyn(), Public);

        var outcome = rig.Feed(DataSegment(innerLength: SmallMtu - 20 + 1, dontFragment: true), Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedTooBig));
            Assert.That(rig.Output.Count, Is.EqualTo(1));
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Public));
        });
    }

    [TestCase(1040)]
    [TestCase(581)]
    [TestCase(1500)]
    public void TooBigWithoutDontFragment_IsSentAsOuterFragmentsThatReassembleToTheInnerPacket(int innerLength)
    {
        var rig = new EngineRig(ForwardingMethod.Tunnel, privateMtu: SmallMtu);
        rig.Feed(rig.ClientSyn(), Public);
        var data = DataSegment(innerLength, dontFragment: false);
        var inner = FrameEdit.WithTtlLowered(data)[14..];

        var outcome = rig.Feed(data, Public);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
        Assert.That(rig.Output.Count, Is.GreaterThan(1));
        var fragments = Enumerable.Range(0, rig.Output.Count).Select(rig.Sent).ToList();
        var reassembled = new byte[inner.Length];
        var covered = 0;
        var identification = BinaryPrimitives.ReadUInt16BigEndian(fragments[0].AsSpan(18));
        for (var index = 0; index < fragments.Count; index++)
        {
            var fragment = fragments[index];
            var totalLength = BinaryPrimitives.ReadUInt16BigEndian(fragment.AsSpan(16));
            var flags = BinaryPrimitives.ReadUInt16BigEndian(fragment.AsSpan(20));
            var payload = fragment[34..(14 + totalLength)];
            var last = index == fragments.Count - 1;
            Assert.Multiple(() =>
            {
                Assert.That(rig.Output.InterfaceAt(index), Is.EqualTo(Private));
                Assert.That(Frame.ParseEthernet(fragment).DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(ServerMac(131))));
                Assert.That(totalLength, Is.LessThanOrEqualTo(SmallMtu), $"fragment {index} fits the link");
                Assert.That(fragment, Has.Length.EqualTo(14 + totalLength));
                Assert.That(fragment[23], Is.EqualTo(4));
                Assert.That(BinaryPrimitives.ReadUInt16BigEndian(fragment.AsSpan(18)), Is.EqualTo(identification), "one identification for all");
                Assert.That(flags & 0x4000, Is.Zero, "DF clear");
                Assert.That((flags & 0x2000) != 0, Is.EqualTo(!last), "MF on all but the last");
                Assert.That((flags & 0x1FFF) * 8, Is.EqualTo(covered), "offset in 8-byte units");
                Assert.That(last || payload.Length % 8 == 0, Is.True, "non-final payloads are multiples of 8");
                Assert.That(ReferenceChecksum.IpHeaderIsValid(fragment), Is.True, $"fragment {index} header checksum");
            });
            payload.CopyTo(reassembled.AsSpan(covered));
            covered += payload.Length;
        }
        Assert.Multiple(() =>
        {
            Assert.That(covered, Is.EqualTo(inner.Length));
            Assert.That(reassembled, Is.EqualTo(inner), "the inner packet, one TTL lower with its header checksum following");
            Assert.That(fragments.Select(f => f[22]), Is.All.EqualTo(data[22] - 1), "every outer header carries the lowered TTL");
        });
        Checksums.AssertAllValid(rig.Output);
    }

    /// <summary>A client ACK with payload on the established flow, its IP packet <paramref name="innerLength"/> bytes long.</summary>
    private static byte[] DataSegment(int innerLength, bool dontFragment)
    {
        var payload = Enumerable.Range(0, innerLength - 40).Select(i => (byte)(i * 7)).ToArray();
        var frame = Frame.Tcp(ClientMac, PublicMac, Client, 40000, Vip, 80, ack: true, payload: payload);
        return FrameEdit.WithTosAndDontFragment(frame, tos: 0, dontFragment);
    }
}
