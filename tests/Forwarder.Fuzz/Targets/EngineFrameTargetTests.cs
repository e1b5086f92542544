using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;
using Forwarder.Ipvsadm.Rules;

namespace Forwarder.Fuzz.Targets;

/// <summary>
/// The frame parser and engine: a director with NAT, DR and tunnel services and masquerading takes a seed
/// frame (so the flow it opens exists), then the mutated frame, on each interface, then an hour of clock.
/// Whatever the bytes, it must return an outcome and never throw.
/// </summary>
public sealed class EngineFrameTargetTests
{
    private const string Topology = """
        interface eth2 02:00:00:00:01:71 192.168.1.113/24 public
        interface eth1 02:00:00:00:8b:8e 192.168.139.142/24 private mtu 1400
        neighbor 192.168.1.106 02:00:00:00:01:6a eth2
        neighbor 192.168.139.254 02:00:00:00:8b:fe eth1
        route default via 192.168.1.106
        masquerade 192.168.139.0/24
        """;

    private const string Rules = """
        -A -t 192.168.1.199:80 -s rr
        -a -t 192.168.1.199:80 -r 192.168.139.254:80 -m
        -a -t 192.168.1.199:80 -r 192.168.139.253:80 -m
        -A -t 192.168.1.113:80 -s sh -p 60
        -a -t 192.168.1.113:80 -r 192.168.139.129:80 -g
        -a -t 192.168.1.113:80 -r 192.168.139.131:80 -i
        -A -u 192.168.1.199:53 -s wrr
        -a -u 192.168.1.199:53 -r 192.168.139.254:53 -m
        """;

    private static readonly DirectorTopology ParsedTopology = TopologyParser.Parse(Topology);
    private static readonly IReadOnlyList<RuleLine> ParsedRules = RulesFile.Parse(Rules);

    private static void Feed(byte[] mutated, byte[] seed)
    {
        // A fresh director for every input (rules parsed once), so a kept input replays the same way.
        var timeouts = new ConnectionTimeouts();
        var services = new ServiceTable(SchedulerRegistry.Create);
        CommandApplier.ApplyAll(ParsedRules, services, timeouts);
        var engine = new DirectorEngine(ParsedTopology, services, new ConnectionTable(timeouts, 64));
        var output = new OutputBatch();
        var now = 1_700_000_000_000_000L;
        for (var link = 0; link < 2; link++)
        {
            engine.Process(seed, link, now, output);
            output.Clear();
            engine.Process(mutated, link, now + 1, output);
            output.Clear();
        }
        engine.AdvanceClock(now + 3_600_000_000L, output);
    }

    [Test]
    public void MutatedFrames_NeverThrow()
    {
        var seeds = Seeds.Frames();
        MutationFuzzer.Run("frames", seeds, bytes => Feed(bytes, seeds[bytes.Length % seeds.Count]));
    }

    [Test]
    public void KeptFrames_NeverThrow()
    {
        var seeds = Seeds.Frames();
        foreach (var bytes in MutationFuzzer.Regressions("frames"))
        {
            Assert.DoesNotThrow(() => Feed(bytes, seeds[bytes.Length % seeds.Count]));
        }
    }
}
