using Forwarder.CaptureBuilder.Frames;
using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// A firewall-mark service grouping HTTP and HTTPS: the marks file gives mark 1 to TCP 80 and 443 of 192.168.1.199,
/// and <c>-A -f 1 -s rr -p 300</c> over .252, .253, .254 (port 0, so each flow keeps its own port) pins each client,
/// whichever port it dials, to the server its first flow got: one template per client, &lt;IP, client, 0, mark 1, 0&gt;.
/// Three clients open 80, then 443, then 80 again, interleaved; rr over the list .254, .253, .252 places the three
/// templates, and every later flow follows its client's template. A fourth client dials 8080, which no rule marks:
/// nothing of it reaches the real servers.
/// </summary>
public sealed class FirewallMarkPersistenceScenario : ICaptureScenario
{
    public string Name => "fwmark-persist";

    public IReadOnlyDictionary<string, IReadOnlyList<TimedFrame>> BuildCaptures()
    {
        NetworkHost[] servers = [NatFetches.Web254, NatFetches.Web253, NatFetches.Web252];
        ushort[] ports = [80, 443, 80];
        var fetches = new List<PlannedFetch>();
        for (var round = 0; round < ports.Length; round++)
        {
            for (var i = 0; i < servers.Length; i++)
            {
                fetches.Add(new PlannedFetch(NatFetches.OutsideClient(70 + i), (ushort)(44000 + (round * 10) + i), "192.168.1.199", servers[i],
                    (round * 3) + (i * 0.5), VirtualPort: ports[round]));
            }
        }
        var captures = NatFetches.Build(fetches);
        // The unmarked client only sends: its SYN to 8080 (no service) is the director's to pass over.
        var unmarked = new List<PlannedFetch> { new(NatFetches.OutsideClient(99), 44100, "192.168.1.199", NatFetches.Web254, 10, Close: false, VirtualPort: 8080) };
        var stray = NatFetches.Build(unmarked)["eth2"].Take(1);
        return new Dictionary<string, IReadOnlyList<TimedFrame>>
        {
            ["eth2"] = [.. captures["eth2"], .. stray],
            ["eth1"] = captures["eth1"],
        };
    }
}
