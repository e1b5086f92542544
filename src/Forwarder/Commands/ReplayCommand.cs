using Forwarder.Capture.Files;
using Forwarder.Capture.Replay;
using Forwarder.Core;
using Forwarder.Core.Topology;

namespace Forwarder.Commands;

/// <summary><c>forwarder replay</c>: deterministic, no root and no interfaces needed.</summary>
public static class ReplayCommand
{
    public static int Run(ReplayOptions options, TextWriter output, TextWriter errors)
    {
        try
        {
            if (options.MaxConnections < 1)
            {
                throw new ArgumentException($"--max-connections must be at least 1, got {options.MaxConnections}");
            }
            var topology = Load(options.Topology, TopologyParser.Parse);
            var engine = Load(options.Rules, rules => DirectorSetup.Build(topology, rules, options.MaxConnections));
            var inputs = options.Inputs.Select(ReplayInput.Parse).ToList();
            CaptureReplay.Run(engine, inputs, options.Output);
            if (options.List)
            {
                output.Write(Listings.Table(engine));
            }
            if (options.ListConnections)
            {
                output.Write(Listings.Connections(engine));
            }
            if (options.Counters)
            {
                foreach (var (outcome, count) in engine.Counters.NonZero())
                {
                    output.WriteLine($"{outcome} {count}");
                }
                output.WriteLine($"FramesOut {engine.Counters.FramesOut}");
                output.WriteLine($"EvictedEmbryonic {engine.Connections.EvictedEmbryonic}");
                output.WriteLine($"RefusedFull {engine.Connections.RefusedFull}");
            }
            return 0;
        }
        catch (Exception failure) when (failure is LineFormatException or CaptureFileException or ArgumentException or IOException)
        {
            errors.WriteLine($"forwarder replay: {failure.Message}");
            return 1;
        }
        catch (Exception failure) when (failure is DllNotFoundException || failure.InnerException is DllNotFoundException)
        {
            errors.WriteLine("forwarder replay: libpcap (libpcap.so.0.8) is not installed: apt-get install libpcap0.8");
            return 1;
        }
    }

    private static T Load<T>(string path, Func<string, T> parse)
    {
        try
        {
            return parse(ReadText(path));
        }
        catch (LineFormatException refused)
        {
            throw new ArgumentException($"{path}: {refused.Message}", refused);
        }
    }

    private static string ReadText(string path) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new ArgumentException($"{path}: no such file");
}
