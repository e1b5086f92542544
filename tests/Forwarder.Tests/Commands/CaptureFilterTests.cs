using Forwarder.Commands;
using Forwarder.Core.Frames;
using PacketDotNet;
using SharpPcap.LibPcap;

namespace Forwarder.Tests.Commands;

/// <summary>
/// The live director's kernel filter, compiled by libpcap and run over crafted frames: ARP, IPv4 and IPv6 (TCP, UDP,
/// ICMPv6) sent to the interface's MAC reach the director; of the multicast only ICMPv6 does (Neighbour Solicitations
/// to a VIP's solicited-node group); other hosts' unicast stays in the kernel.
/// </summary>
public sealed class CaptureFilterTests
{
    private static readonly byte[] Ours = [0x02, 0x00, 0x00, 0x00, 0x00, 0x13];
    private static readonly byte[] Theirs = [0x02, 0x00, 0x00, 0x00, 0x00, 0x99];
    private static readonly byte[] Client = [0x02, 0x00, 0x00, 0x00, 0x01, 0x06];

    private BpfProgram _filter = null!;

    [OneTimeSetUp]
    public void Compile()
    {
        Assert.That(MacAddress.TryParse("02:00:00:00:00:13", out var mac), Is.True);
        try
        {
            _filter = BpfProgram.Create(LinkLayers.Ethernet, RunCommand.CaptureFilter(mac));
        }
        catch (Exception missing) when (missing is DllNotFoundException || missing.InnerException is DllNotFoundException)
        {
            Assert.Ignore("libpcap (libpcap.so.0.8) is not installed: apt-get install libpcap0.8");
        }
    }

    [OneTimeTearDown]
    public void Release() => _filter?.Dispose();

    [TestCase((byte)6, TestName = "Ipv6Tcp_ToTheInterfacesMac_IsCaptured")]
    [TestCase((byte)17, TestName = "Ipv6Udp_ToTheInterfacesMac_IsCaptured")]
    [TestCase((byte)0, TestName = "Ipv6BehindAHopByHopHeader_ToTheInterfacesMac_IsCaptured")]
    [TestCase((byte)44, TestName = "Ipv6Fragment_ToTheInterfacesMac_IsCaptured")]
    public void Ipv6_ToTheInterfacesMac_IsCaptured(byte nextHeader) =>
        Assert.That(Matches(Ipv6(Ours, nextHeader, "2001:db8::199")), Is.True);

    [Test]
    public void Ipv6Tcp_ToAnotherHostsMac_IsNotCaptured() =>
        Assert.That(Matches(Ipv6(Theirs, 6, "2001:db8::199")), Is.False);

    [Test]
    public void NeighbourSolicitation_ToTheSolicitedNodeGroup_IsCaptured()
    {
        byte[] solicitedNodeMac = [0x33, 0x33, 0xff, 0x00, 0x01, 0x99];
        Assert.That(Matches(Ipv6(solicitedNodeMac, Ipv6Layout.ProtocolIcmpv6, "ff02::1:ff00:199", icmpType: 135)), Is.True);
    }

    [Test]
    public void Ipv6Udp_ToAMulticastGroup_IsNotCaptured()
    {
        byte[] mdnsMac = [0x33, 0x33, 0x00, 0x00, 0x00, 0xfb];
        Assert.That(Matches(Ipv6(mdnsMac, 17, "ff02::fb")), Is.False);
    }

    [Test]
    public void Ipv4AndArp_AsBefore()
    {
        var ipv4 = Ethernet(Ours, 0x0800, new IPv4Packet(System.Net.IPAddress.Parse("192.168.1.106"), System.Net.IPAddress.Parse("192.168.1.199")).Bytes);
        var ipv4Elsewhere = Ethernet(Theirs, 0x0800, ipv4[14..]);
        var arp = Ethernet([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 0x0806, new byte[28]);

        Assert.Multiple(() =>
        {
            Assert.That(Matches(ipv4), Is.True);
            Assert.That(Matches(ipv4Elsewhere), Is.False);
            Assert.That(Matches(arp), Is.True);
        });
    }

    private bool Matches(byte[] frame) => _filter.Matches(frame);

    private static byte[] Ethernet(byte[] destination, ushort etherType, byte[] payload)
    {
        var frame = new byte[14 + payload.Length];
        destination.CopyTo(frame, 0);
        Client.CopyTo(frame, 6);
        frame[12] = (byte)(etherType >> 8);
        frame[13] = (byte)etherType;
        payload.CopyTo(frame, 14);
        return frame;
    }

    /// <summary>An IPv6 packet from the client with 24 bytes after its header (room for a TCP, UDP or ICMPv6 header, or an extension header).</summary>
    private static byte[] Ipv6(byte[] destinationMac, byte nextHeader, string destination, byte icmpType = 0)
    {
        var packet = new byte[40 + 24];
        packet[0] = 0x60;
        packet[5] = 24;
        packet[6] = nextHeader;
        packet[7] = 255;
        System.Net.IPAddress.Parse("2001:db8::106").GetAddressBytes().CopyTo(packet, 8);
        System.Net.IPAddress.Parse(destination).GetAddressBytes().CopyTo(packet, 24);
        packet[40] = nextHeader is 0 or 44 ? (byte)6 : icmpType;
        return Ethernet(destinationMac, 0x86dd, packet);
    }
}
