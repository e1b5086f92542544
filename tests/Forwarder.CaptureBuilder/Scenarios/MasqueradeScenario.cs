using System.Net;
using Forwarder.CaptureBuilder.Frames;
using Forwarder.CaptureBuilder.Http;
using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// The seed's <c>iptables -t nat -A POSTROUTING -s 192.168.139.0/24 -j MASQUERADE</c>: the real server
/// .254 fetches http://192.168.1.50/ (a host on the public link) and pings 8.8.8.8 (through the default
/// gateway 192.168.1.1); both leave from the director's public address and the answers come back.
/// </summary>
public sealed class MasqueradeScenario : ICaptureScenario
{
    public const ushort EchoIdentifier = 0x1234;

    private static readonly NetworkHost RealServer = NetworkHost.Parse("02:00:00:00:8b:fe", "192.168.139.254");
    private static readonly NetworkHost PublicWeb = NetworkHost.Parse("02:00:00:00:01:32", "192.168.1.50");
    private static readonly IPAddress DirectorPublicAddress = IPAddress.Parse("192.168.1.113");
    private static readonly IPAddress Outside = IPAddress.Parse("8.8.8.8");

    public string Name => "masquerade";

    public IReadOnlyDictionary<string, IReadOnlyList<TimedFrame>> BuildCaptures()
    {
        var inside = new List<TimedFrame>();
        var outside = new List<TimedFrame>();
        var fetch = new TcpConversation(RealServer, 45000, NatFetches.DirectorPrivateMac, PublicWeb.Address, 80,
            PublicWeb, 80, NatFetches.DirectorPublicMac, DirectorPublicAddress, clientIsn: 345_678_901u, serverIsn: 987_654_321u)
        {
            ClientTtl = 64,
        };
        HttpExchange.Fetch(fetch, ScenarioClock.At(0), PublicWeb.Address.ToString(), close: true, inside, outside);

        var data = new byte[56];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(0x10 + i);
        }
        for (ushort sequence = 1; sequence <= 2; sequence++)
        {
            var at = ScenarioClock.At(sequence);
            inside.Add(new TimedFrame(at, IcmpFrameFactory.Echo(IcmpFrameFactory.EchoRequest, RealServer.Mac, NatFetches.DirectorPrivateMac,
                RealServer.Address, Outside, EchoIdentifier, sequence, data, (ushort)(0x4000 + sequence), 64)));
            // The answer has crossed the Internet: it arrives from the gateway with a lower TTL.
            outside.Add(new TimedFrame(at + 12_345, IcmpFrameFactory.Echo(IcmpFrameFactory.EchoReply, NatFetches.Gateway.Mac, NatFetches.DirectorPublicMac,
                Outside, DirectorPublicAddress, EchoIdentifier, sequence, data, (ushort)(0x7000 + sequence), 117)));
        }
        return new Dictionary<string, IReadOnlyList<TimedFrame>>
        {
            ["eth1"] = HttpExchange.Ordered(inside),
            ["eth2"] = HttpExchange.Ordered(outside),
        };
    }
}
