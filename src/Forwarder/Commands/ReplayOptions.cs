using CommandLine;
using Forwarder.Core.Connections;

namespace Forwarder.Commands;

/// <summary>The replay command line: rules and topology in, captures per interface in, captures per interface out.</summary>
[Verb("replay", HelpText = "Replay captures through the director and write what it sends, one capture per interface.")]
public sealed class ReplayOptions
{
    [Option("rules", Required = true, HelpText = "Rules in ipvsadm -S format.")]
    public string Rules { get; set; } = string.Empty;

    [Option("topology", Required = true, HelpText = "The director's interfaces and neighbours.")]
    public string Topology { get; set; } = string.Empty;

    [Option("in", Required = true, Min = 1, HelpText = "IF=PCAP: frames arriving on interface IF (repeatable).")]
    public IEnumerable<string> Inputs { get; set; } = [];

    [Option("out", Required = true, HelpText = "Directory for IF.pcap of every interface.")]
    public string Output { get; set; } = string.Empty;

    [Option("marks", HelpText = "Firewall marks for -f services, as iptables-save writes the *mangle PREROUTING MARK rules.")]
    public string? Marks { get; set; }

    [Option("commands", HelpText = "Timed ipvsadm commands, one a line: SECONDS (from the capture's first frame) and the arguments (-A -E -D -a -e -d -C -Z --set).")]
    public string? Commands { get; set; }

    [Option("list", HelpText = "Print the table as ipvsadm -Ln would, at the end.")]
    public bool List { get; set; }

    [Option("list-conn", HelpText = "Print the connections as ipvsadm -Lnc would, at the end.")]
    public bool ListConnections { get; set; }

    [Option("counters", HelpText = "Print the engine's frame counters at the end.")]
    public bool Counters { get; set; }

    [Option("max-connections", Default = ConnectionTable.DefaultMaximum, HelpText = "Bound of the connection table, at least 1 (a full table sheds half-open connections first).")]
    public int MaxConnections { get; set; } = ConnectionTable.DefaultMaximum;
}
