using System.Net;
using System.Net.NetworkInformation;
using Forwarder.CaptureBuilder.Frames;
using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// ICMPv6 errors at an IPv6 director: the director's own Packet Too Big for a tunnel (client 2001:db8:1::106:52001 to
/// [2001:db8:1::199]:80, tunnelled IPv6-in-IPv6 to ::254 over eth1 of MTU 1400: a 1460-byte segment is too big, a
/// 1360-byte one just fits), and errors relayed across a NAT connection (client :52002 to [2001:db8:1::200]:80, to
/// ::253): the client's Packet Too Big about the director's reply (quoting as much as fits in 1280 bytes, as a router
/// quotes) and the real server's port unreachable about the client's SYN as delivered.
/// </summary>
public sealed class Ipv6PacketTooBigScenario : ICaptureScenario
{
    private static readonly PhysicalAddress ClientMac = PhysicalAddress.Parse("02-00-00-00-01-6A");
    private static readonly PhysicalAddress PublicMac = PhysicalAddress.Parse("02-00-00-00-01-71");
    private static readonly PhysicalAddress PrivateMac = PhysicalAddress.Parse("02-00-00-00-8B-8E");
    private static readonly PhysicalAddress Web253Mac = PhysicalAddress.Parse("02-00-00-00-8B-FD");
    private static readonly IPAddress Client = IPAddress.Parse("2001:db8:1::106");
    private static readonly IPAddress TunnelVip = IPAddress.Parse("2001:db8:1::199");
    private static readonly IPAddress NatVip = IPAddress.Parse("2001:db8:1::200");
    private static readonly IPAddress Web253 = IPAddress.Parse("2001:db8:139::253");

    public string Name => "ipv6-ptb";

    public IReadOnlyDictionary<string, IReadOnlyList<TimedFrame>> BuildCaptures()
    {
        const TcpControlBits data = TcpControlBits.Psh | TcpControlBits.Ack;
        var client = new List<TimedFrame>
        {
            new(ScenarioClock.At(0), Ipv6FrameFactory.Segment(ClientMac, PublicMac, Client, 52001, TunnelVip, 80, 500000000, 0, TcpControlBits.Syn, 0)),
            new(ScenarioClock.At(0.001), Ipv6FrameFactory.Segment(ClientMac, PublicMac, Client, 52001, TunnelVip, 80, 500000001, 700000001, data, 1400)),
            new(ScenarioClock.At(0.002), Ipv6FrameFactory.Segment(ClientMac, PublicMac, Client, 52001, TunnelVip, 80, 500000001, 700000001, data, 1300)),
            new(ScenarioClock.At(1), Ipv6FrameFactory.Segment(ClientMac, PublicMac, Client, 52002, NatVip, 80, 510000000, 0, TcpControlBits.Syn, 0)),
        };
        // The director's reply as the client got it (from the VIP, one hop older), too big for the client's next link.
        var reply = Ipv6FrameFactory.Segment(PublicMac, ClientMac, NatVip, 80, Client, 52002, 710000001, 510000001, data, 1400, hopLimit: 63);
        client.Add(new TimedFrame(ScenarioClock.At(1.01), Ipv6FrameFactory.Error(Ipv6FrameFactory.PacketTooBig, 0, 1280,
            Ipv6FrameFactory.IpPacketOf(reply).AsSpan(0, 1280 - 48), ClientMac, PublicMac, Client, NatVip)));

        // The client's SYN as the real server got it: NAT put the real server in as destination.
        var delivered = Ipv6FrameFactory.Segment(PrivateMac, Web253Mac, Client, 52002, Web253, 80, 510000000, 0, TcpControlBits.Syn, 0);
        var server = new List<TimedFrame>
        {
            new(ScenarioClock.At(1.02), Ipv6FrameFactory.Error(Ipv6FrameFactory.DestinationUnreachable, Ipv6FrameFactory.PortUnreachable, 0,
                Ipv6FrameFactory.IpPacketOf(delivered), Web253Mac, PrivateMac, Web253, Client)),
        };
        return new Dictionary<string, IReadOnlyList<TimedFrame>>
        {
            ["eth2"] = client,
            ["eth1"] = server,
        };
    }
}
