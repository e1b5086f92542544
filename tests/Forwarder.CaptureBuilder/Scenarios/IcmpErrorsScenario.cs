using System.Net;
using Forwarder.CaptureBuilder.Frames;
using Forwarder.CaptureBuilder.Http;
using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// ICMP around one NAT connection (client .106:51729 → VIP .199:80 → .252, rr as in the seed): the
/// client reports "port unreachable" and then "fragmentation needed" about the director's reply
/// (VIP:80 → client), the real server reports "port unreachable" about the client's packet as it was
/// delivered (client → RIP:80), and the client pings the VIP. Each error quotes the IP header and the
/// first 8 bytes, as RFC 792 asks.
/// </summary>
public sealed class IcmpErrorsScenario : ICaptureScenario
{
    private const int Quote = 28;

    private static readonly NetworkHost Client = NetworkHost.Parse("02:00:00:00:01:6a", "192.168.1.106");
    private static readonly NetworkHost VirtualService = NetworkHost.Parse("02:00:00:00:01:71", "192.168.1.199");

    public string Name => "icmp-errors";

    public IReadOnlyDictionary<string, IReadOnlyList<TimedFrame>> BuildCaptures()
    {
        var client = new List<TimedFrame>();
        var server = new List<TimedFrame>();
        var flow = new TcpConversation(Client, 51729, VirtualService.Mac, VirtualService.Address, 80,
            NatFetches.Web252, 80, NatFetches.DirectorPrivateMac, Client.Address, clientIsn: 2841949030, serverIsn: 1384177408);
        HttpExchange.Fetch(flow, ScenarioClock.At(0), VirtualService.Address.ToString(), close: false, client, server);

        // The reply as the client received it: from the VIP, one hop older; built here, not taken from the engine.
        var reply = server[1].Bytes;
        var asReceived = TcpFrameFactory.Build(new TcpSegmentSpec
        {
            SourceMac = VirtualService.Mac,
            DestinationMac = Client.Mac,
            SourceAddress = VirtualService.Address,
            DestinationAddress = Client.Address,
            SourcePort = 80,
            DestinationPort = 51729,
            Sequence = 1384177409,
            Acknowledgment = 2841949031 + 144,
            Flags = TcpControlBits.Psh | TcpControlBits.Ack,
            Window = 229,
            IpId = IpIdOf(reply),
            TimeToLive = 63,
            Payload = reply.AsMemory(54),
        });
        var quotedReply = IcmpFrameFactory.IpPacketOf(asReceived, Quote);
        client.Add(new TimedFrame(ScenarioClock.At(0.01), IcmpFrameFactory.Error(IcmpFrameFactory.DestinationUnreachable, IcmpFrameFactory.PortUnreachable, 0,
            quotedReply, Client.Mac, VirtualService.Mac, Client.Address, VirtualService.Address, 0x2c00, 128)));
        client.Add(new TimedFrame(ScenarioClock.At(0.02), IcmpFrameFactory.Error(IcmpFrameFactory.DestinationUnreachable, IcmpFrameFactory.FragmentationNeeded, 1000,
            quotedReply, Client.Mac, VirtualService.Mac, Client.Address, VirtualService.Address, 0x2c01, 128)));

        // The client's request as the real server received it: NAT put the RIP in as destination.
        var request = client[2].Bytes;
        var delivered = TcpFrameFactory.Build(new TcpSegmentSpec
        {
            SourceMac = NatFetches.DirectorPrivateMac,
            DestinationMac = NatFetches.Web252.Mac,
            SourceAddress = Client.Address,
            DestinationAddress = NatFetches.Web252.Address,
            SourcePort = 51729,
            DestinationPort = 80,
            Sequence = 2841949031,
            Acknowledgment = 1384177409,
            Flags = TcpControlBits.Psh | TcpControlBits.Ack,
            Window = 256,
            IpId = IpIdOf(request),
            TimeToLive = 128,
            Payload = request.AsMemory(54),
        });
        server.Add(new TimedFrame(ScenarioClock.At(0.03), IcmpFrameFactory.Error(IcmpFrameFactory.DestinationUnreachable, IcmpFrameFactory.PortUnreachable, 0,
            IcmpFrameFactory.IpPacketOf(delivered, Quote), NatFetches.Web252.Mac, NatFetches.DirectorPrivateMac, NatFetches.Web252.Address, Client.Address, 0x5a00, 64)));

        client.Add(new TimedFrame(ScenarioClock.At(0.04), IcmpFrameFactory.Echo(IcmpFrameFactory.EchoRequest, Client.Mac, VirtualService.Mac, Client.Address, VirtualService.Address,
            1, 1, "abcdefghijklmnopqrstuvwabcdefghi"u8, 0x2c02, 128)));
        return new Dictionary<string, IReadOnlyList<TimedFrame>>
        {
            ["eth2"] = HttpExchange.Ordered(client),
            ["eth1"] = HttpExchange.Ordered(server),
        };
    }

    private static ushort IpIdOf(byte[] frame) => (ushort)(frame[18] << 8 | frame[19]);
}
