using System.Net;
using System.Net.NetworkInformation;
using System.Text;
using Forwarder.CaptureBuilder.Frames;
using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// Tunnels across the address families (eth1 MTU 1400): an IPv4 service with an IPv6 real server (IPv4-in-IPv6: a
/// SYN, a 1440-byte packet without DF in two IPv6 fragments, the same with DF refused with "fragmentation needed"), an
/// IPv6 service with an IPv4 real server (IPv6-in-IPv4, protocol 41: a SYN, a 1460-byte segment refused with Packet Too
/// Big, mtu 1380), and IPv6-in-IPv6 (a SYN).
/// </summary>
public sealed class Ipv6TunnelScenario : ICaptureScenario
{
    private static readonly PhysicalAddress ClientMac = PhysicalAddress.Parse("02-00-00-00-01-6A");
    private static readonly PhysicalAddress PublicMac = PhysicalAddress.Parse("02-00-00-00-01-71");
    private static readonly IPAddress Client4 = IPAddress.Parse("192.168.1.106");
    private static readonly IPAddress Vip4 = IPAddress.Parse("192.168.1.199");
    private static readonly IPAddress Client6 = IPAddress.Parse("2001:db8:1::106");
    private static readonly IPAddress Vip6 = IPAddress.Parse("2001:db8:1::199");
    private static readonly IPAddress Vip6Other = IPAddress.Parse("2001:db8:1::200");

    public string Name => "ipv6-tun";

    public IReadOnlyDictionary<string, IReadOnlyList<TimedFrame>> BuildCaptures()
    {
        const TcpControlBits data = TcpControlBits.Psh | TcpControlBits.Ack;
        var client = new List<TimedFrame>
        {
            new(ScenarioClock.At(0), Ipv4(52001, 400000000, 0, TcpControlBits.Syn, 0, dontFragment: true, ipId: 0x1001)),
            new(ScenarioClock.At(0.001), Ipv4(52001, 400000001, 600000001, data, 1400, dontFragment: false, ipId: 0x1002)),
            new(ScenarioClock.At(0.002), Ipv4(52001, 400000001, 600000001, data, 1400, dontFragment: true, ipId: 0x1003)),
            new(ScenarioClock.At(1), Ipv6FrameFactory.Segment(ClientMac, PublicMac, Client6, 52002, Vip6, 80, 500000000, 0, TcpControlBits.Syn, 0)),
            new(ScenarioClock.At(1.001), Ipv6FrameFactory.Segment(ClientMac, PublicMac, Client6, 52002, Vip6, 80, 500000001, 700000001, data, 1400)),
            new(ScenarioClock.At(2), Ipv6FrameFactory.Segment(ClientMac, PublicMac, Client6, 52003, Vip6Other, 80, 510000000, 0, TcpControlBits.Syn, 0)),
        };
        return new Dictionary<string, IReadOnlyList<TimedFrame>> { ["eth2"] = client };
    }

    private static byte[] Ipv4(ushort sourcePort, uint sequence, uint acknowledgment, TcpControlBits flags, int payload, bool dontFragment, ushort ipId) =>
        TcpFrameFactory.Build(new TcpSegmentSpec
        {
            SourceMac = ClientMac,
            DestinationMac = PublicMac,
            SourceAddress = Client4,
            DestinationAddress = Vip4,
            SourcePort = sourcePort,
            DestinationPort = 80,
            Sequence = sequence,
            Acknowledgment = acknowledgment,
            Flags = flags,
            Window = 502,
            IpId = ipId,
            TimeToLive = 64,
            DontFragment = dontFragment,
            Payload = Encoding.ASCII.GetBytes(new string('x', payload)),
        });
}
