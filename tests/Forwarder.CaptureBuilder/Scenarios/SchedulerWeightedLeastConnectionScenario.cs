using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// wlc over .254 w1, .253 w2, .252 w3 (list order): ten clients, one fetch each; flows 1, 2, 4, 7, 8 and
/// 10 stay open (ActiveConn), the others close into TIME_WAIT (InActConn). Each choice is the least
/// (ActiveConn * 256 + InActConn) / weight, ties to the earlier in list order, worked out by hand.
/// </summary>
public sealed class SchedulerWeightedLeastConnectionScenario : ICaptureScenario
{
    public string Name => "sched-wlc";

    public IReadOnlyDictionary<string, IReadOnlyList<TimedFrame>> BuildCaptures()
    {
        var open = new[] { true, true, false, true, false, false, true, true, false, true };
        var expected = new[]
        {
            NatFetches.Web254, NatFetches.Web253, NatFetches.Web252, NatFetches.Web252, NatFetches.Web252,
            NatFetches.Web252, NatFetches.Web252, NatFetches.Web253, NatFetches.Web252, NatFetches.Web252,
        };
        return NatFetches.Build(Enumerable.Range(0, open.Length).Select(i =>
            new PlannedFetch(NatFetches.OutsideClient(30 + i), (ushort)(41000 + i), "192.168.1.199", expected[i], i * 0.5, Close: !open[i])));
    }
}
