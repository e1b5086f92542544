using System.Net;
using System.Net.NetworkInformation;
using Forwarder.CaptureBuilder.Frames;
using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// The captures of a NAT scenario made of <see cref="PlannedFetch"/>es: clients outside, behind the
/// public side's gateway (so their frames come from the gateway's MAC), real servers on the private
/// segment with the director as their gateway.
/// </summary>
public static class NatFetches
{
    public static NetworkHost Gateway { get; } = NetworkHost.Parse("02:00:00:00:01:01", "192.168.1.1");

    public static PhysicalAddress DirectorPublicMac { get; } = PhysicalAddress.Parse("02-00-00-00-01-71");

    public static PhysicalAddress DirectorPrivateMac { get; } = PhysicalAddress.Parse("02-00-00-00-8B-8E");

    public static NetworkHost Web252 { get; } = NetworkHost.Parse("02:00:00:00:8b:fc", "192.168.139.252");

    public static NetworkHost Web253 { get; } = NetworkHost.Parse("02:00:00:00:8b:fd", "192.168.139.253");

    public static NetworkHost Web254 { get; } = NetworkHost.Parse("02:00:00:00:8b:fe", "192.168.139.254");

    /// <summary>An outside client 203.0.113.N (TEST-NET-3), seen on the public link with the gateway's MAC.</summary>
    public static NetworkHost OutsideClient(int n) => new(Gateway.Mac, IPAddress.Parse($"203.0.113.{n}"));

    public static IReadOnlyDictionary<string, IReadOnlyList<TimedFrame>> Build(IEnumerable<PlannedFetch> fetches)
    {
        var client = new List<TimedFrame>();
        var server = new List<TimedFrame>();
        var index = 0;
        foreach (var fetch in fetches)
        {
            index++;
            var flow = new TcpConversation(fetch.Client, fetch.ClientPort, DirectorPublicMac, IPAddress.Parse(fetch.VirtualAddress), fetch.VirtualPort,
                fetch.Server, fetch.VirtualPort, DirectorPrivateMac, fetch.Client.Address, clientIsn: 100_000_000u + ((uint)index * 7_654_321u), serverIsn: 900_000_000u + ((uint)index * 1_234_567u));
            HttpExchange.Fetch(flow, ScenarioClock.At(fetch.StartSeconds), fetch.VirtualAddress, fetch.Close, client, server);
        }
        return new Dictionary<string, IReadOnlyList<TimedFrame>>
        {
            ["eth2"] = HttpExchange.Ordered(client),
            ["eth1"] = HttpExchange.Ordered(server),
        };
    }
}
