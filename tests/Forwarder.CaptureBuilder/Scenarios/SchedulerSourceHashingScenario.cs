using Forwarder.CaptureBuilder.Frames;
using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// sh over .254 w1, .253 w2, .252 w1 (list order): the 256 buckets repeat .254, .253, .253, .252, and a
/// client 203.0.113.N lands in bucket (addr * 2654435761) mod 256 (ip_vs_sh.c, no sh-port). Twenty
/// clients, 203.0.113.70 to .89, fetch twice (two rounds, new ports): both fetches of a client go to
/// the same server, and the clients split 5 / 10 / 5 as the weights 1 / 2 / 1.
/// </summary>
public sealed class SchedulerSourceHashingScenario : ICaptureScenario
{
    public const int FirstClient = 70;
    public const int Clients = 20;

    public string Name => "sched-sh";

    public IReadOnlyDictionary<string, IReadOnlyList<TimedFrame>> BuildCaptures()
    {
        var fetches = new List<PlannedFetch>();
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < Clients; i++)
            {
                var client = NatFetches.OutsideClient(FirstClient + i);
                fetches.Add(new PlannedFetch(client, (ushort)(43000 + (round * 100) + i), "192.168.1.199", ServerFor(client), (round * 5) + (i * 0.1)));
            }
        }
        return NatFetches.Build(fetches);
    }

    /// <summary>The kernel's bucket, computed here from the formula, and the server the table puts there.</summary>
    private static NetworkHost ServerFor(NetworkHost client)
    {
        var bytes = client.Address.GetAddressBytes();
        var address = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        var bucket = unchecked(address * 2654435761u) & 255;
        return (bucket % 4) switch
        {
            0 => NatFetches.Web254,
            3 => NatFetches.Web252,
            _ => NatFetches.Web253,
        };
    }
}
