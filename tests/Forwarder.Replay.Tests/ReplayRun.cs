using Forwarder.Commands;
using Forwarder.Core.Connections;

namespace Forwarder.Replay.Tests;

/// <summary>Runs <c>forwarder replay</c> in-process into a fresh directory, keeping what it printed.</summary>
public sealed class ReplayRun : IDisposable
{
    private ReplayRun(string output, int exitCode, string stdout, string stderr)
    {
        OutputDirectory = output;
        ExitCode = exitCode;
        StandardOutput = stdout;
        StandardError = stderr;
    }

    public string OutputDirectory { get; }

    public int ExitCode { get; }

    public string StandardOutput { get; }

    public string StandardError { get; }

    public string OutputCapture(string interfaceName) => Path.Combine(OutputDirectory, interfaceName + ".pcap");

    public static ReplayRun Start(string rules, string topology, IEnumerable<(string Interface, string Capture)> inputs, bool list = false, bool listConnections = false,
        bool counters = false, int? maxConnections = null, string? commands = null, string? marks = null)
    {
        var output = Directory.CreateTempSubdirectory("forwarder-replay-").FullName;
        var options = new ReplayOptions
        {
            Rules = rules,
            Topology = topology,
            Inputs = inputs.Select(i => $"{i.Interface}={i.Capture}").ToList(),
            Output = output,
            List = list,
            ListConnections = listConnections,
            Counters = counters,
            MaxConnections = maxConnections ?? ConnectionTable.DefaultMaximum,
            Commands = commands,
            Marks = marks,
        };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = ReplayCommand.Run(options, stdout, stderr);
        return new ReplayRun(output, exitCode, stdout.ToString(), stderr.ToString());
    }

    public void Dispose() => Directory.Delete(OutputDirectory, recursive: true);
}
