using Forwarder.CaptureBuilder.Frames;
using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// sh over .254 w1, .253 w2, .252 w1 (list order): the 256 buckets repeat .254, .253, .253, .252, and a
/// client 203.0.113.N lands in bucket hash_32(addr, 8), the top byte of addr * 0x61C88647 (ip_vs_sh.c
/// since Linux 4.18, no sh-port). Twenty clients, 203.0.113.70 to .89, fetch twice (two rounds, new
/// ports): both fetches of a client go to the same server, and the clients split 4 / 12 / 4, as Linux 6.1
/// split them for the same list.
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
        var bucket = unchecked(address * 0x61C88647u) >> 24;
        return (bucket % 4) switch
        {
            0 => NatFetches.Web254,
            3 => NatFetches.Web252,
            _ => NatFetches.Web253,
        };
    }
}
