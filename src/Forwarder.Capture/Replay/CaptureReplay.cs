using Forwarder.Capture.Files;
using Forwarder.Core;
using Forwarder.Core.Engine;
using Forwarder.Core.Transmit;

namespace Forwarder.Capture.Replay;

/// <summary>
/// Feeds captured frames through the engine in timestamp order, as if they arrived live, and records
/// what the engine sends in one capture per interface. The engine's clock is the capture's: each output
/// frame carries the timestamp of the input frame that caused it, so a replay is repeatable to the byte.
/// A timeline's events run between frames: each before the first frame at or after its time, those after
/// the last frame at the end, each with the engine's clock moved on to its time first.
/// </summary>
public static class CaptureReplay
{
    /// <param name="timeline">Events at moments of the capture's clock; none when null.</param>
    public static ReplayResult Run(DirectorEngine engine, IReadOnlyList<ReplayInput> inputs, string outputDirectory, IReplayTimeline? timeline = null)
    {
        var interfaces = engine.Topology.Interfaces;
        var inputIndexes = inputs.Select(input =>
            interfaces.FirstOrDefault(i => i.Name == input.InterfaceName)?.Index
            ?? throw new ArgumentException($"--in {EchoedText.Of(input.InterfaceName)}: the topology has no interface of that name")).ToArray();

        Directory.CreateDirectory(outputDirectory);
        var readers = new List<PcapFrameReader>();
        var writers = new List<PcapFrameWriter>();
        try
        {
            foreach (var input in inputs)
            {
                readers.Add(new PcapFrameReader(input.Path));
            }
            foreach (var link in interfaces)
            {
                writers.Add(new PcapFrameWriter(Path.Combine(outputDirectory, link.Name + ".pcap")));
            }
            return Merge(engine, inputs, inputIndexes, readers, writers, timeline ?? NoTimeline.Instance);
        }
        finally
        {
            readers.ForEach(r => r.Dispose());
            writers.ForEach(w => w.Dispose());
        }
    }

    private static ReplayResult Merge(DirectorEngine engine, IReadOnlyList<ReplayInput> inputs, int[] inputIndexes,
        List<PcapFrameReader> readers, List<PcapFrameWriter> writers, IReplayTimeline timeline)
    {
        var interfaces = engine.Topology.Interfaces;
        var framesIn = inputs.Select(i => i.InterfaceName).Distinct().ToDictionary(n => n, _ => 0);
        var framesOut = interfaces.ToDictionary(i => i.Name, _ => 0);
        var pending = readers.Select(r => r.Next()).ToArray();
        var output = new OutputBatch();

        void WriteOutput(long timestamp)
        {
            for (var f = 0; f < output.Count; f++)
            {
                var outInterface = output.InterfaceAt(f);
                writers[outInterface].Write(output.FrameAt(f), timestamp);
                framesOut[interfaces[outInterface].Name]++;
            }
            output.Clear();
        }

        // Runs every event due by the given clock. Moving the clock on can send frames (ARP retries): they
        // carry the event's time, as frames carry the time of the input that caused them.
        void RunEventsDue(long origin, long clock)
        {
            while (timeline.NextOffset is { } offset && origin + offset <= clock)
            {
                engine.AdvanceClock(origin + offset, output);
                WriteOutput(engine.Now);
                timeline.RunNext();
            }
        }

        // Timeline offsets count from the first frame to be replayed; without frames, from the engine's clock.
        var origin = pending.Where(f => f is not null).Select(f => f!.Timestamp).DefaultIfEmpty(engine.Now).Min();
        long lastTimestamp = 0;
        while (true)
        {
            // The earliest pending frame goes next; on a tie, the input named first on the command line.
            var next = -1;
            for (var i = 0; i < pending.Length; i++)
            {
                if (pending[i] is { } candidate && (next < 0 || candidate.Timestamp < pending[next]!.Timestamp))
                {
                    next = i;
                }
            }
            if (next < 0)
            {
                break;
            }
            var frame = pending[next]!;
            // The engine's clock never runs backwards, even when a capture's timestamps do.
            lastTimestamp = Math.Max(lastTimestamp, frame.Timestamp);
            RunEventsDue(origin, lastTimestamp);
            engine.Process(frame.Data, inputIndexes[next], lastTimestamp, output);
            framesIn[inputs[next].InterfaceName]++;
            WriteOutput(frame.Timestamp);
            pending[next] = readers[next].Next();
        }
        // Events after the last frame run at the end, in their order, each at its own time.
        RunEventsDue(origin, long.MaxValue);
        return new ReplayResult(framesIn, framesOut, lastTimestamp);
    }
}
