using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// lblc on two virtual addresses (.199: list .253, .252; .200: list .252, .253; weights 1): every flow
/// to an address goes to the server that address is mapped to, whoever the client, until that server
/// has more active connections than its weight while another has room (active * 2 &lt; weight); then the
/// wlc choice takes the address over. Choices worked out by hand from ip_vs_lblc.c.
/// </summary>
public sealed class SchedulerLocalityScenario : ICaptureScenario
{
    public string Name => "sched-lblc";

    public IReadOnlyDictionary<string, IReadOnlyList<TimedFrame>> BuildCaptures()
    {
        var plan = new (string Vip, bool Close, Frames.NetworkHost Server)[]
        {
            ("192.168.1.199", false, NatFetches.Web253),
            ("192.168.1.200", false, NatFetches.Web252),
            ("192.168.1.199", false, NatFetches.Web253),
            ("192.168.1.200", true, NatFetches.Web252),
            ("192.168.1.199", false, NatFetches.Web252),
            ("192.168.1.199", false, NatFetches.Web252),
            ("192.168.1.200", true, NatFetches.Web252),
            ("192.168.1.199", true, NatFetches.Web252),
        };
        return NatFetches.Build(plan.Select((p, i) =>
            new PlannedFetch(NatFetches.OutsideClient(50 + i), (ushort)(42000 + i), p.Vip, p.Server, i * 0.5, p.Close)));
    }
}
