using System.Net;
using Forwarder.CaptureBuilder.Frames;
using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// The seed guide's second example (DR, wrr; .129 w1, .144 w2, .131 w3 added in that order): nine
/// short fetches from two clients to 192.168.1.113:80. The real servers answer the clients directly,
/// so only the clients' frames pass the director; the last three flows stay open.
/// </summary>
public sealed class DirectRoutingWeightedRoundRobinScenario : ICaptureScenario
{
    public const int Flows = 9;
    public const int OpenFlows = 3;

    private static readonly NetworkHost[] Clients =
    [
        NetworkHost.Parse("02:00:00:00:01:6a", "192.168.1.106"),
        NetworkHost.Parse("02:00:00:00:01:6b", "192.168.1.107"),
    ];

    private static readonly NetworkHost DirectorPublic = NetworkHost.Parse("02:00:00:00:01:71", "192.168.1.113");

    // The server each flow reaches does not change the client's frames; it only names the page length.
    private static readonly NetworkHost AnyServer = NetworkHost.Parse("02:00:00:00:8b:83", "192.168.139.131");

    public string Name => "dr-wrr";

    public IReadOnlyDictionary<string, IReadOnlyList<TimedFrame>> BuildCaptures()
    {
        var client = new List<TimedFrame>();
        for (var i = 0; i < Flows; i++)
        {
            var host = Clients[i % Clients.Length];
            var flow = new TcpConversation(host, (ushort)(51001 + i), DirectorPublic.Mac, DirectorPublic.Address, 80,
                AnyServer, 80, host.Mac, host.Address, clientIsn: 1_000_000u * (uint)(i + 1), serverIsn: 3_000_000u * (uint)(i + 1));
            HttpExchange.Fetch(flow, ScenarioClock.At(i), DirectorPublic.Address.ToString(), close: i < Flows - OpenFlows, client, server: null);
        }
        return new Dictionary<string, IReadOnlyList<TimedFrame>> { ["eth2"] = HttpExchange.Ordered(client) };
    }
}
