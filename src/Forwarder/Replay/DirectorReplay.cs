using Forwarder.Capture.Replay;
using Forwarder.Commands;
using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Topology;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Listing;
using Forwarder.Ipvsadm.Rules;

namespace Forwarder.Replay;

/// <summary>
/// A replay as a program drives it (<c>forwarder replay</c> is one such program, a conformance suite another):
/// an engine built from a topology and rules, fed captures and timed ipvsadm commands, then asked what
/// <c>ipvsadm -Ln</c> and <c>-Lnc</c> show. Single-threaded, like the engine.
/// </summary>
public sealed class DirectorReplay
{
    private readonly IpvsadmParser _parser;
    private readonly IpvsadmExecutor _executor;

    private DirectorReplay(DirectorEngine engine, IpvsadmParser parser, INameResolver? names)
    {
        Engine = engine;
        _parser = parser;
        _executor = new IpvsadmExecutor(DirectorState.FromEngine(engine, new ServiceRateEstimators()), names, parser);
    }

    public DirectorEngine Engine { get; }

    /// <summary>An engine on a parsed topology; a bad rules line throws <see cref="Core.LineFormatException"/>, naming it.</summary>
    /// <param name="parser">How rules and commands read names; the system's /etc/services and /etc/hosts by default.</param>
    /// <param name="names">How ipvsadm's listings name hosts and ports; the system's files by default.</param>
    public static DirectorReplay Build(DirectorTopology topology, string rulesText, int maxConnections = ConnectionTable.DefaultMaximum,
        IpvsadmParser? parser = null, INameResolver? names = null)
    {
        parser ??= new IpvsadmParser();
        return new DirectorReplay(DirectorSetup.Build(topology, rulesText, maxConnections, parser), parser, names);
    }

    /// <summary>An engine from the texts of a topology file and a rules file.</summary>
    public static DirectorReplay Build(string topologyText, string rulesText, int maxConnections = ConnectionTable.DefaultMaximum,
        IpvsadmParser? parser = null, INameResolver? names = null) =>
        Build(TopologyParser.Parse(topologyText), rulesText, maxConnections, parser, names);

    /// <summary>Reads a commands file's text (<see cref="TimedCommandsFile"/>); a bad line throws <see cref="Core.LineFormatException"/>.</summary>
    public IReadOnlyList<TimedCommand> ParseCommands(string commandsText) => TimedCommandsFile.Parse(commandsText, _parser);

    /// <summary>
    /// Replays the captures into <paramref name="outputDirectory"/> (one IF.pcap per interface), running each
    /// command when the capture's clock reaches its time. A refused command throws
    /// <see cref="TimedCommandRefusedException"/> naming <paramref name="commandsFile"/> and its line; what was
    /// written before it stays in the output captures.
    /// </summary>
    public ReplayResult Run(IReadOnlyList<ReplayInput> inputs, string outputDirectory, IReadOnlyList<TimedCommand>? commands = null,
        string commandsFile = "commands") =>
        CaptureReplay.Run(Engine, inputs, outputDirectory, new IpvsadmTimeline(commands ?? [], _executor, commandsFile));

    /// <summary><c>ipvsadm -Ln</c> as <c>forwarder replay --list</c> prints it, at the engine's clock.</summary>
    public string ListTable() => Listings.Table(Engine);

    /// <summary><c>ipvsadm -Lnc</c> as <c>forwarder replay --list-conn</c> prints it, at the engine's clock.</summary>
    public string ListConnections() => Listings.Connections(Engine);

    /// <summary>Any ipvsadm command line (without the program name) on the replayed director, as its control socket would run it.</summary>
    public IpvsadmResult Ipvsadm(params string[] arguments) => _executor.Execute(arguments);
}
