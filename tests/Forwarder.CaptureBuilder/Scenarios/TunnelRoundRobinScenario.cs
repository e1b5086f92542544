using Forwarder.CaptureBuilder.Frames;
using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// Tunnelling (-i), rr over .254 and .253 (list .253, .254), the private link's MTU 1400: two ordinary
/// fetches; then a flow whose 1400-byte request (1440-byte packet) carries DF — too big for the tunnel —
/// and one whose identical request does not, which the director must fragment after encapsulating.
/// The real servers answer directly (they hold the VIP on their tunnel device), so only client frames.
/// </summary>
public sealed class TunnelRoundRobinScenario : ICaptureScenario
{
    public const int LargeRequest = 1400;

    private static readonly NetworkHost Client = NetworkHost.Parse("02:00:00:00:01:6a", "192.168.1.106");
    private static readonly NetworkHost VirtualService = NetworkHost.Parse("02:00:00:00:01:71", "192.168.1.199");
    private static readonly NetworkHost AnyServer = NetworkHost.Parse("02:00:00:00:8b:fd", "192.168.139.253");

    public string Name => "tun-rr";

    public IReadOnlyDictionary<string, IReadOnlyList<TimedFrame>> BuildCaptures()
    {
        var frames = new List<TimedFrame>();
        for (var i = 0; i < 2; i++)
        {
            HttpExchange.Fetch(Flow(i, dontFragment: true), ScenarioClock.At(i), VirtualService.Address.ToString(), close: true, frames, server: null);
        }
        // Flow 3: DF set, the request is too big for the tunnel; nothing after it reaches a server.
        var tooBig = Flow(2, dontFragment: true);
        frames.Add(tooBig.FromClient(ScenarioClock.At(2), TcpControlBits.Syn));
        frames.Add(tooBig.FromClient(ScenarioClock.At(2.0005), TcpControlBits.Ack));
        frames.Add(tooBig.FromClient(ScenarioClock.At(2.00075), TcpControlBits.Psh | TcpControlBits.Ack, LargeRequest));
        // Flow 4: no DF anywhere; the encapsulated request leaves in two outer fragments.
        var fragmented = Flow(3, dontFragment: false);
        frames.Add(fragmented.FromClient(ScenarioClock.At(3), TcpControlBits.Syn));
        frames.Add(fragmented.FromClient(ScenarioClock.At(3.0005), TcpControlBits.Ack));
        frames.Add(fragmented.FromClient(ScenarioClock.At(3.00075), TcpControlBits.Psh | TcpControlBits.Ack, LargeRequest));
        frames.Add(fragmented.FromClient(ScenarioClock.At(3.0015), TcpControlBits.Fin | TcpControlBits.Ack));
        return new Dictionary<string, IReadOnlyList<TimedFrame>> { ["eth2"] = HttpExchange.Ordered(frames) };
    }

    private static TcpConversation Flow(int index, bool dontFragment) =>
        new(Client, (ushort)(52001 + index), VirtualService.Mac, VirtualService.Address, 80, AnyServer, 80, Client.Mac, Client.Address,
            clientIsn: 500_000_000u + ((uint)index * 11_111_111u), serverIsn: 700_000_000u + ((uint)index * 3_333_333u))
        {
            ClientDontFragment = dontFragment,
        };
}
