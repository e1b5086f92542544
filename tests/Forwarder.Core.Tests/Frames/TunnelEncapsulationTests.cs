using System.Buffers.Binary;
using System.Net;
using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Support;
using PacketDotNet;

namespace Forwarder.Core.Tests.Frames;

/// <summary>The tunnels' outer headers for each mix of families, read back by PacketDotNet and byte by byte.</summary>
public sealed class TunnelEncapsulationTests
{
    private static readonly MacAddress ClientMac = Frame.Mac("02:00:00:00:00:01");
    private static readonly MacAddress DirectorMac = Frame.Mac("02:00:00:00:00:02");
    private static readonly InetAddress DirectorV6 = InetAddress.Parse("2001:db8:139::142");
    private static readonly InetAddress ServerV6 = InetAddress.Parse("2001:db8:139::129");

    private static byte[] InnerIpv6(int payload = 0, byte trafficClass = 0xB8, byte hopLimit = 61) =>
        Icmpv6ErrorFrame.Tcp(ClientMac, DirectorMac, "2001:db8:1::106", 40001, "2001:db8::113", 80, payload, hopLimit, trafficClass)[14..];

    private static byte[] InnerIpv4(bool dontFragment, int payload = 0)
    {
        var frame = Frame.Tcp(ClientMac, DirectorMac, "192.168.1.106", 40001, "192.168.1.113", 80, syn: true, ttl: 57,
            payload: Enumerable.Range(0, payload).Select(i => (byte)i).ToArray());
        var ip = frame.AsSpan(14);
        ip[1] = 0x28;
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], dontFragment ? FrameLayout.Ipv4DontFragment : (ushort)0);
        Ipv4HeaderWriter.RecomputeChecksum(ip);
        return frame[14..];
    }

    [Test]
    public void Ipv6InIpv6_CopiesTrafficClassAndHopLimit_NextHeader41_AndTheInnerPacketWhole()
    {
        var inner = InnerIpv6();
        var frame = new byte[TunnelEncapsulation.InIpv6FrameLength(inner.Length)];
        TunnelEncapsulation.WriteInIpv6(frame, inner, DirectorV6, ServerV6);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), FrameLayout.EtherTypeIpv6);
        var outer = Icmpv6ErrorFrame.ParseIpv6(frame);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outer.SourceAddress, Is.EqualTo(IPAddress.Parse("2001:db8:139::142")));
            Assert.That(outer.DestinationAddress, Is.EqualTo(IPAddress.Parse("2001:db8:139::129")));
            Assert.That((byte)outer.NextHeader, Is.EqualTo(41));
            Assert.That(outer.TrafficClass, Is.EqualTo(0xB8));
            Assert.That(outer.FlowLabel, Is.EqualTo(0));
            Assert.That(outer.HopLimit, Is.EqualTo(61));
            Assert.That(outer.PayloadLength, Is.EqualTo(inner.Length));
            Assert.That(frame.AsSpan(54).ToArray(), Is.EqualTo(inner));
        }
    }

    [Test]
    public void Ipv4InIpv6_NextHeader4_TosAndTtlFromTheInnerHeader()
    {
        var inner = InnerIpv4(dontFragment: true);
        var frame = new byte[TunnelEncapsulation.InIpv6FrameLength(inner.Length)];
        TunnelEncapsulation.WriteInIpv6(frame, inner, DirectorV6, ServerV6);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(frame[14] >> 4, Is.EqualTo(6));
            Assert.That(frame[14 + 6], Is.EqualTo(4));
            Assert.That(Ipv6HeaderWriter.TrafficClass(frame.AsSpan(14)), Is.EqualTo(0x28));
            Assert.That(frame[14 + 7], Is.EqualTo(57));
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(18)), Is.EqualTo(inner.Length));
            Assert.That(frame.AsSpan(54).ToArray(), Is.EqualTo(inner));
        }
    }

    [Test]
    public void Ipv6InIpv4_Protocol41_DontFragmentClear_ValidHeaderChecksum()
    {
        var inner = InnerIpv6();
        var frame = new byte[TunnelEncapsulation.InIpv4FrameLength(inner.Length)];
        TunnelEncapsulation.WriteIpv6InIpv4(frame, inner, Frame.Ip("192.168.139.142"), Frame.Ip("192.168.139.129"), 0x1234);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), FrameLayout.EtherTypeIpv4);
        var outer = Frame.ParseIpv4(frame);
        using (Assert.EnterMultipleScope())
        {
            Assert.That((byte)outer.Protocol, Is.EqualTo(41));
            Assert.That(outer.TypeOfService, Is.EqualTo(0xB8));
            Assert.That(outer.TimeToLive, Is.EqualTo(61));
            Assert.That(outer.FragmentFlags & 0x2, Is.Zero, "DF");
            Assert.That(outer.Id, Is.EqualTo(0x1234));
            Assert.That(outer.TotalLength, Is.EqualTo(20 + inner.Length));
            Assert.That(ReferenceChecksum.IpHeaderIsValid(frame), Is.True);
            Assert.That(frame.AsSpan(34).ToArray(), Is.EqualTo(inner));
        }
    }

    [Test]
    public void Ipv4InIpv6_TooBigWithoutDf_IsSplitIntoIpv6Fragments_ThatReassembleToTheInnerPacket()
    {
        const int mtu = 1280;
        var inner = InnerIpv4(dontFragment: false, payload: 2000);
        var count = TunnelEncapsulation.Ipv6FragmentCount(inner.Length, mtu);
        Assert.That(count, Is.EqualTo(2));
        var reassembled = new List<byte>();
        for (var index = 0; index < count; index++)
        {
            var frame = new byte[TunnelEncapsulation.Ipv6FragmentFrameLength(inner.Length, mtu, index)];
            Assert.That(frame.Length - 14, Is.LessThanOrEqualTo(mtu));
            TunnelEncapsulation.WriteIpv6Fragment(frame, inner, mtu, index, DirectorV6, ServerV6, 0xCAFE0001);
            var ip = frame.AsSpan(14);
            var fragment = ip[40..];
            var offsetAndFlags = BinaryPrimitives.ReadUInt16BigEndian(fragment[2..]);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(ip[6], Is.EqualTo(44), "next header: Fragment");
                Assert.That(BinaryPrimitives.ReadUInt16BigEndian(ip[4..]), Is.EqualTo(frame.Length - 14 - 40));
                Assert.That(fragment[0], Is.EqualTo(4), "the fragment header names IPv4");
                Assert.That(offsetAndFlags & 1, Is.EqualTo(index < count - 1 ? 1 : 0), "M flag");
                Assert.That(offsetAndFlags & 0xFFF8, Is.EqualTo(reassembled.Count), "offset");
                Assert.That(BinaryPrimitives.ReadUInt32BigEndian(fragment[4..]), Is.EqualTo(0xCAFE0001));
                Assert.That((frame.Length - 14 - 48) % 8 == 0 || index == count - 1, Is.True, "every piece but the last is 8-byte units");
            }
            reassembled.AddRange(fragment[8..].ToArray());
        }
        Assert.That(reassembled.ToArray(), Is.EqualTo(inner));
    }

    [Test]
    public void APacketThatFits_IsOneFragmentWithoutAFragmentHeader()
    {
        var inner = InnerIpv4(dontFragment: false, payload: 1280 - 40 - 40);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(TunnelEncapsulation.Ipv6FragmentCount(inner.Length, 1280), Is.EqualTo(1));
            Assert.That(TunnelEncapsulation.Ipv6FragmentCount(inner.Length + 1, 1280), Is.EqualTo(2));
            Assert.That(TunnelEncapsulation.Ipv6FragmentFrameLength(inner.Length, 1280, 0), Is.EqualTo(14 + 1280));
        }
        var frame = new byte[14 + 1280];
        TunnelEncapsulation.WriteIpv6Fragment(frame, inner, 1280, 0, DirectorV6, ServerV6, 7);
        Assert.That(frame[14 + 6], Is.EqualTo(4));
    }
}
