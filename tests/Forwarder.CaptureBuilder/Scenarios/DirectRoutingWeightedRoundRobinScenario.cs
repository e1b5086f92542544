using System.Net;
using Forwarder.CaptureBuilder.Frames;
using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// The seed guide's second example (DR, wrr; .129 w1, .144 w2, .131 w3 added in that order): nine
/// short fetches from two clients to 192.168.1.113:80. The real servers answer the clients directly,
/// so only the clients' frames pass the director; the last three flows stay open. <see cref="OverIpv6"/> is the
/// same with IPv6 addresses (ipv6-dr).
/// </summary>
public sealed class DirectRoutingWeightedRoundRobinScenario : ICaptureScenario
{
    public const int Flows = 9;
    public const int OpenFlows = 3;

    private readonly NetworkHost[] _clients;
    private readonly NetworkHost _directorPublic;

    // The server each flow reaches does not change the client's frames; it only names the page length.
    private readonly NetworkHost _anyServer;

    public DirectRoutingWeightedRoundRobinScenario()
        : this("dr-wrr", "192.168.1.106", "192.168.1.107", "192.168.1.113", "192.168.139.131")
    {
    }

    private DirectRoutingWeightedRoundRobinScenario(string name, string client1, string client2, string virtualAddress, string server)
    {
        Name = name;
        _clients = [NetworkHost.Parse("02:00:00:00:01:6a", client1), NetworkHost.Parse("02:00:00:00:01:6b", client2)];
        _directorPublic = NetworkHost.Parse("02:00:00:00:01:71", virtualAddress);
        _anyServer = NetworkHost.Parse("02:00:00:00:8b:83", server);
    }

    /// <summary>The example over IPv6: VIP 2001:db8::113 (the director's own public address, as the seed's), clients ::106 and ::107.</summary>
    public static DirectRoutingWeightedRoundRobinScenario OverIpv6() =>
        new("ipv6-dr", "2001:db8::106", "2001:db8::107", "2001:db8::113", "2001:db8:139::131");

    public string Name { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<TimedFrame>> BuildCaptures()
    {
        var client = new List<TimedFrame>();
        for (var i = 0; i < Flows; i++)
        {
            var host = _clients[i % _clients.Length];
            var flow = new TcpConversation(host, (ushort)(51001 + i), _directorPublic.Mac, _directorPublic.Address, 80,
                _anyServer, 80, host.Mac, host.Address, clientIsn: 1_000_000u * (uint)(i + 1), serverIsn: 3_000_000u * (uint)(i + 1));
            // An IPv6 literal goes in brackets in the Host header (RFC 3986).
            var hostHeader = _directorPublic.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                ? $"[{_directorPublic.Address}]"
                : _directorPublic.Address.ToString();
            HttpExchange.Fetch(flow, ScenarioClock.At(i), hostHeader, close: i < Flows - OpenFlows, client, server: null);
        }
        return new Dictionary<string, IReadOnlyList<TimedFrame>> { ["eth2"] = HttpExchange.Ordered(client) };
    }
}
