using CommandLine;
using Forwarder.Core.Connections;

namespace Forwarder.Commands;

/// <summary>The live director's command line.</summary>
[Verb("run", HelpText = "Run the director in the foreground on a public and a private interface.")]
public sealed class RunOptions
{
    [Option("public", Default = "eth2", HelpText = "The interface facing the clients.")]
    public string PublicInterface { get; set; } = "eth2";

    [Option("private", Default = "eth1", HelpText = "The interface facing the real servers.")]
    public string PrivateInterface { get; set; } = "eth1";

    [Option("socket", HelpText = "The control socket ipvsadm talks to (default /run/forwarder/forwarder.sock, or $FORWARDER_SOCKET).")]
    public string? Socket { get; set; }

    [Option("rules", HelpText = "Rules in ipvsadm -S format to start with.")]
    public string? Rules { get; set; }

    [Option("marks", HelpText = "Firewall marks for -f services: iptables-save's *mangle -A PREROUTING ... -j MARK rules, which the director applies itself (libpcap sees frames before netfilter).")]
    public string? Marks { get; set; }

    [Option("save-on-exit", HelpText = "On SIGTERM/SIGINT, write the current table to the --rules file.")]
    public bool SaveOnExit { get; set; }

    [Option("masquerade", HelpText = "Networks to masquerade (NET/PREFIX, IPv4 or IPv6, repeatable; default: the private interface's subnet and IPv6 prefix).")]
    public IEnumerable<string> Masquerade { get; set; } = [];

    [Option("counters-file", HelpText = "Write the director's counters (frames by outcome, libpcap's drops) to this file every second.")]
    public string? CountersFile { get; set; }

    [Option("max-connections", Default = ConnectionTable.DefaultMaximum, HelpText = "The connection table's bound (at least 1).")]
    public int MaxConnections { get; set; } = ConnectionTable.DefaultMaximum;

    [Option("transmit", Default = "sendmmsg", HelpText = "How batches leave: sendmmsg (a packet socket, one call a batch and interface), sendmmsg-bypass (the same past the qdisc, unseen by tcpdump on the director) or pcap (libpcap, one call a frame).")]
    public string Transmit { get; set; } = "sendmmsg";

    [Option("gro", HelpText = "Take GRO's merged TCP frames (up to 64 KiB) and send each as one, the kernel cutting it to the MTU (PACKET_VNET_HDR): run-director.sh turns GRO on rather than off. Needs --transmit sendmmsg (the default).")]
    public bool Gro { get; set; }

    [Option("senders", Default = "per-interface", HelpText = "Which thread transmits: per-interface (a thread per interface beside the engine's, once rounds fill up; the engine's own below that) or engine (always the engine's, between rounds).")]
    public string Senders { get; set; } = "per-interface";

    [Option("state-file", HelpText = "Where the connection table is saved on SIGTERM/SIGINT/SIGHUP and restored from at start (default $FORWARDER_STATE/connections.state, /run/forwarder/connections.state).")]
    public string? StateFile { get; set; }

    [Option("metrics", HelpText = "Serve Prometheus metrics (node_exporter's node_ipvs_* and forwarder_*) at http://ADDRESS:PORT/metrics, e.g. 127.0.0.1:9100 (off by default).")]
    public string? Metrics { get; set; }

    [Option("procfs-dir", HelpText = "Rewrite DIR/net/ip_vs, ip_vs_stats, ip_vs_stats_percpu and ip_vs_conn every second in the kernel's formats, for node_exporter --path.procfs=DIR (off by default).")]
    public string? ProcfsDirectory { get; set; }

    [Option("keepalived-conf", HelpText = "keepalived's configuration (keepalived.conf): its virtual servers are set up and their real servers health-checked.")]
    public string? KeepalivedConf { get; set; }

    [Option("vips-owned", Default = "all", HelpText = "all: the director owns every service's virtual address (a standalone director); none: it owns none until `forwarder vip take` (a VRRP backup, moved by keepalived's notify scripts).")]
    public string VipsOwned { get; set; } = "all";

    [Option("sloppy-tcp", HelpText = "As the kernel's net.ipv4.vs.sloppy_tcp=1: any TCP segment without RST may open a connection, not only a SYN (directors side by side behind ECMP, with mh).")]
    public bool SloppyTcp { get; set; }

    [Option("check", HelpText = "Check the arguments (interfaces, rules, keepalived configuration, counters file, socket) and exit, changing nothing.")]
    public bool Check { get; set; }
}
