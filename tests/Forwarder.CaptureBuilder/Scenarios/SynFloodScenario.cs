using System.Net;
using Forwarder.CaptureBuilder.Frames;
using Forwarder.CaptureBuilder.Http;
using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// A SYN flood against a NAT service whose replay bounds the table at 16 connections: three clients
/// hold established connections (rr: .253, .254, .253); then 200 SYNs from spoofed sources
/// (198.18.0.0/15, never answered) arrive in one second while the three clients fetch again and finally
/// close. A full table sheds a half-open connection for each new SYN, so the established flows live on.
/// </summary>
public sealed class SynFloodScenario : ICaptureScenario
{
    public const int FloodSyns = 200;

    public string Name => "syn-flood";

    public IReadOnlyDictionary<string, IReadOnlyList<TimedFrame>> BuildCaptures()
    {
        var client = new List<TimedFrame>();
        var server = new List<TimedFrame>();
        var servers = new[] { NatFetches.Web253, NatFetches.Web254, NatFetches.Web253 };
        var flows = new List<TcpConversation>();
        for (var i = 0; i < servers.Length; i++)
        {
            var host = NatFetches.OutsideClient(10 + i);
            var flow = new TcpConversation(host, (ushort)(44000 + i), NatFetches.DirectorPublicMac, IPAddress.Parse("192.168.1.199"), 80,
                servers[i], 80, NatFetches.DirectorPrivateMac, host.Address, clientIsn: 200_000_000u + ((uint)i * 9_999_991u), serverIsn: 600_000_000u + ((uint)i * 7_777_777u));
            HttpExchange.Fetch(flow, ScenarioClock.At(i * 0.1), "192.168.1.199", close: false, client, server);
            flows.Add(flow);
        }
        for (var i = 0; i < FloodSyns; i++)
        {
            var spoofed = new NetworkHost(NatFetches.Gateway.Mac, IPAddress.Parse($"198.18.{i / 250}.{(i % 250) + 1}"));
            var syn = new TcpConversation(spoofed, (ushort)(1024 + (i * 263 % 60000)), NatFetches.DirectorPublicMac, IPAddress.Parse("192.168.1.199"), 80,
                NatFetches.Web253, 80, NatFetches.DirectorPrivateMac, spoofed.Address, clientIsn: 0x1000_0000u + ((uint)i * 0x0101_0101u), serverIsn: 0)
            {
                ClientTtl = 64,
            };
            client.Add(syn.FromClient(ScenarioClock.At(1 + (i * 0.005)), TcpControlBits.Syn));
        }
        var request = HttpMessages.PythonRequestsGet("192.168.1.199");
        for (var i = 0; i < flows.Count; i++)
        {
            // In the middle of the flood: a second request on the kept-alive connection.
            var at = 1.5 + (i * 0.0021);
            client.Add(flows[i].FromClient(ScenarioClock.At(at), TcpControlBits.Psh | TcpControlBits.Ack, request, window: 255));
            server.Add(flows[i].FromServer(ScenarioClock.At(at + 0.0005), TcpControlBits.Psh | TcpControlBits.Ack, HttpExchange.Page($"{flows[i].Server.Address}")));
            client.Add(flows[i].FromClient(ScenarioClock.At(at + 0.001), TcpControlBits.Ack, window: 254));
            // After the flood: the client closes, the server answers.
            client.Add(flows[i].FromClient(ScenarioClock.At(2.5 + (i * 0.1)), TcpControlBits.Fin | TcpControlBits.Ack, window: 254));
            server.Add(flows[i].FromServer(ScenarioClock.At(2.5005 + (i * 0.1)), TcpControlBits.Fin | TcpControlBits.Ack));
        }
        return new Dictionary<string, IReadOnlyList<TimedFrame>>
        {
            ["eth2"] = HttpExchange.Ordered(client),
            ["eth1"] = HttpExchange.Ordered(server),
        };
    }
}
