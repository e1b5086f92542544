using Forwarder.Capture.Replay;
using Forwarder.Core.Engine;
using Forwarder.Replay;

namespace Forwarder.Replay.Tests.Replay;

/// <summary>The replay loop's timeline: each event sees the engine's clock at its own time, counted from the first frame.</summary>
[TestFixture]
public sealed class CaptureReplayTimelineTests
{
    private const string Topology = """
        interface eth2 02:00:00:00:01:71 192.168.1.113/24 public
        interface eth1 02:00:00:00:8b:8e 192.168.139.142/24 private
        neighbor 192.168.1.106 02:00:00:00:01:6a eth2
        neighbor 192.168.139.254 02:00:00:00:8b:fe eth1
        """;

    /// <summary>Notes the engine's clock, and how many frames it had seen, at each event.</summary>
    private sealed class RecordingTimeline(DirectorEngine engine, params long[] offsets) : IReplayTimeline
    {
        private int _next;

        public List<(long Clock, long FramesSeen)> Seen { get; } = [];

        public long? NextOffset => _next < offsets.Length ? offsets[_next] : null;

        public void RunNext()
        {
            _next++;
            Seen.Add((engine.Now, engine.Counters.FramesIn));
        }
    }

    [Test]
    public void EventsRunAtTheirTimes_BeforeTheFramesOfTheirMoment_AndAfterTheLastFrameAtTheEnd()
    {
        var work = Directory.CreateTempSubdirectory("forwarder-timeline-").FullName;
        try
        {
            var capture = Path.Combine(work, "eth2.pcap");
            ClientTraffic.Write(capture, [ClientTraffic.Syn(0, 40000), ClientTraffic.Syn(1.5, 40001)]);
            var replay = DirectorReplay.Build(Topology, "-A -t 192.168.1.199:80 -s rr\n");
            var timeline = new RecordingTimeline(replay.Engine, -2_000_000, 0, 1_000_000, 1_500_000, 9_000_000);

            CaptureReplay.Run(replay.Engine, [new ReplayInput("eth2", capture)], Path.Combine(work, "out"), timeline);

            const long start = ClientTraffic.Start;
            Assert.That(timeline.Seen, Is.EqualTo(new[]
            {
                (start - 2_000_000, 0L),
                (start, 0L),
                (start + 1_000_000, 1L),
                (start + 1_500_000, 1L),
                (start + 9_000_000, 2L),
            }));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
