using Forwarder.Capture.Files;
using Forwarder.Capture.Replay;
using Forwarder.Core;
using Forwarder.Core.Topology;
using Forwarder.Ipvsadm.Rules;
using Forwarder.Replay;

namespace Forwarder.Commands;

/// <summary><c>forwarder replay</c>: deterministic, no root and no interfaces needed.</summary>
public static class ReplayCommand
{
    public static int Run(ReplayOptions options, TextWriter output, TextWriter errors)
    {
        try
        {
            DirectorSetup.CheckMaxConnections(options.MaxConnections);
            var (topology, warnings) = Load(options.Topology, TopologyParser.ParseWithWarnings);
            foreach (var warning in warnings)
            {
                errors.WriteLine($"forwarder replay: {EchoedText.Of(options.Topology)}: warning: {warning}");
            }
            var replay = Load(options.Rules, rules => DirectorReplay.Build(topology, rules, options.MaxConnections));
            if (options.Marks is { } marksPath)
            {
                replay.Engine.Services.FirewallMarks = MarksOption.Load(marksPath, topology, warning => errors.WriteLine($"forwarder replay: warning: {warning}"));
            }
            // The whole commands file is read before any frame moves, so a bad line costs nothing.
            var commands = options.Commands is { } commandsPath ? LoadCommands(commandsPath, replay) : [];
            var inputs = options.Inputs.Select(ReplayInput.Parse).ToList();
            replay.Run(inputs, options.Output, commands, options.Commands ?? string.Empty);
            var engine = replay.Engine;
            if (options.List)
            {
                output.Write(replay.ListTable());
            }
            if (options.ListConnections)
            {
                output.Write(replay.ListConnections());
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
        catch (Exception failure) when (failure is LineFormatException or CaptureFileException or ArgumentException or IOException or TimedCommandRefusedException)
        {
            // Our own messages show the user's words through EchoedText already; .NET's IOException messages
            // repeat a path raw, so they are shown the same way as a whole.
            errors.WriteLine($"forwarder replay: {(failure is IOException ? EchoedText.Of(failure.Message) : failure.Message)}");
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
            throw new ArgumentException($"{EchoedText.Of(path)}: {refused.Message}", refused);
        }
    }

    /// <summary>A commands file's refusals name the file and line as the apply-time ones do: FILE:LINE: reason.</summary>
    private static IReadOnlyList<TimedCommand> LoadCommands(string path, DirectorReplay replay)
    {
        try
        {
            return replay.ParseCommands(ReadText(path));
        }
        catch (LineFormatException refused)
        {
            throw new ArgumentException($"{EchoedText.Of(path)}:{refused.LineNumber}: {refused.Reason}", refused);
        }
    }

    private static string ReadText(string path) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new ArgumentException($"{EchoedText.Of(path)}: no such file");
}
