using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// wrr with weights 3, 2, 1 added as .252, .253, .254 (list .254 w1, .253 w2, .252 w3): twelve
/// clients, one fetch each, half a second apart. By ip_vs_wrr.c the first add leaves di = 3, mw = 1 and
/// so cw = 1, which the later adds keep: the first pass takes everyone (.254, .253, .252); then the
/// cycle .252 (cw 3), .253, .252 (cw 2), .254, .253, .252 (cw 1) repeats.
/// </summary>
public sealed class SchedulerWeightedRoundRobinScenario : ICaptureScenario
{
    public string Name => "sched-wrr";

    public IReadOnlyDictionary<string, IReadOnlyList<TimedFrame>> BuildCaptures()
    {
        var cycle = new[] { NatFetches.Web252, NatFetches.Web253, NatFetches.Web252, NatFetches.Web254, NatFetches.Web253, NatFetches.Web252 };
        var order = new[] { NatFetches.Web254, NatFetches.Web253, NatFetches.Web252 }.Concat(cycle).Concat(cycle).Take(12).ToList();
        return NatFetches.Build(order.Select((server, i) =>
            new PlannedFetch(NatFetches.OutsideClient(10 + i), (ushort)(40000 + i), "192.168.1.199", server, i * 0.5)));
    }
}
