using Forwarder.Capture.Files;
using Forwarder.Core.Engine;

namespace Forwarder.Capture.Replay;

/// <summary>
/// Feeds captured frames through the engine in timestamp order, as if they arrived live, and records
/// what the engine sends in one capture per interface. The engine's clock is the capture's: each output
/// frame carries the timestamp of the input frame that caused it, so a replay is repeatable to the byte.
/// </summary>
public static class CaptureReplay
{
    public static ReplayResult Run(DirectorEngine engine, IReadOnlyList<ReplayInput> inputs, string outputDirectory)
    {
        var interfaces = engine.Topology.Interfaces;
        var inputIndexes = inputs.Select(input =>
            interfaces.FirstOrDefault(i => i.Name == input.InterfaceName)?.Index
            ?? throw new ArgumentException($"--in {input.InterfaceName}: the topology has no interface of that name")).ToArray();

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
            return Merge(engine, inputs, inputIndexes, readers, writers);
        }
        finally
        {
            readers.ForEach(r => r.Dispose());
            writers.ForEach(w => w.Dispose());
        }
    }

    private static ReplayResult Merge(DirectorEngine engine, IReadOnlyList<ReplayInput> inputs, int[] inputIndexes,
        List<PcapFrameReader> readers, List<PcapFrameWriter> writers)
    {
        var interfaces = engine.Topology.Interfaces;
        var framesIn = inputs.Select(i => i.InterfaceName).Distinct().ToDictionary(n => n, _ => 0);
        var framesOut = interfaces.ToDictionary(i => i.Name, _ => 0);
        var pending = readers.Select(r => r.Next()).ToArray();
        var output = new OutputBatch();
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
            engine.Process(frame.Data, inputIndexes[next], lastTimestamp, output);
            framesIn[inputs[next].InterfaceName]++;
            for (var f = 0; f < output.Count; f++)
            {
                var outInterface = output.InterfaceAt(f);
                writers[outInterface].Write(output.FrameAt(f), frame.Timestamp);
                framesOut[interfaces[outInterface].Name]++;
            }
            output.Clear();
            pending[next] = readers[next].Next();
        }
        return new ReplayResult(framesIn, framesOut, lastTimestamp);
    }
}
