using CommandLine;

namespace Forwarder.Ipvsadm.Grammar;

/// <summary>
/// ipvsadm's options as CommandLineParser binds them: the commands (-A -E -D -C -R -S -a -e -d -L -l -Z --set, and
/// --start-daemon/--stop-daemon with their state)
/// are switches like the rest, and <see cref="IpvsadmParser"/> checks that exactly one is given, first.
/// </summary>
public sealed class IpvsadmArguments
{
    [Option('A', "add-service")] public bool AddService { get; set; }
    [Option('E', "edit-service")] public bool EditService { get; set; }
    [Option('D', "delete-service")] public bool DeleteService { get; set; }
    [Option('C', "clear")] public bool Clear { get; set; }
    [Option('R', "restore")] public bool Restore { get; set; }
    [Option('S', "save")] public bool Save { get; set; }
    [Option('a', "add-server")] public bool AddServer { get; set; }
    [Option('e', "edit-server")] public bool EditServer { get; set; }
    [Option('d', "delete-server")] public bool DeleteServer { get; set; }
    [Option('L', "list")] public bool List { get; set; }
    [Option('l')] public bool ListLower { get; set; }
    [Option('Z', "zero")] public bool Zero { get; set; }
    [Option("set", Min = 3, Max = 3)] public IEnumerable<string>? Set { get; set; }
    [Option('h', "help")] public bool Help { get; set; }
    [Option('v', "version")] public bool Version { get; set; }
    [Option("start-daemon")] public string? StartDaemon { get; set; }
    [Option("stop-daemon")] public string? StopDaemon { get; set; }

    [Option('t', "tcp-service")] public string? TcpService { get; set; }
    [Option('u', "udp-service")] public string? UdpService { get; set; }
    [Option("sctp-service")] public string? SctpService { get; set; }
    [Option('f', "fwmark-service")] public string? FwmarkService { get; set; }
    [Option('s', "scheduler")] public string? Scheduler { get; set; }
    [Option('p', "persistent")] public string? Persistent { get; set; }
    [Option('M', "netmask")] public string? Netmask { get; set; }
    [Option('b', "sched-flags")] public string? SchedulerFlags { get; set; }
    [Option("pe")] public string? PersistenceEngine { get; set; }
    [Option('o', "ops")] public bool OnePacket { get; set; }
    [Option('r', "real-server")] public string? RealServer { get; set; }
    [Option('g', "gatewaying")] public bool Gatewaying { get; set; }
    [Option('i', "ipip")] public bool Ipip { get; set; }
    [Option('m', "masquerading")] public bool Masquerading { get; set; }
    [Option('w', "weight")] public string? Weight { get; set; }
    [Option('x', "u-threshold")] public string? UpperThreshold { get; set; }
    [Option('y', "l-threshold")] public string? LowerThreshold { get; set; }
    [Option("tun-type")] public string? TunnelType { get; set; }
    [Option("tun-port")] public string? TunnelPort { get; set; }
    [Option("tun-nocsum")] public bool TunnelNoChecksum { get; set; }
    [Option("tun-csum")] public bool TunnelChecksum { get; set; }
    [Option("tun-remcsum")] public bool TunnelRemoteChecksum { get; set; }

    [Option("mcast-interface")] public string? McastInterface { get; set; }
    [Option("syncid")] public string? SyncId { get; set; }
    [Option("sync-maxlen")] public string? SyncMaxlen { get; set; }
    [Option("mcast-group")] public string? McastGroup { get; set; }
    [Option("mcast-port")] public string? McastPort { get; set; }
    [Option("mcast-ttl")] public string? McastTtl { get; set; }

    [Option('n', "numeric")] public bool Numeric { get; set; }
    [Option('c', "connection")] public bool Connection { get; set; }
    [Option("timeout")] public bool Timeout { get; set; }
    [Option("daemon")] public bool Daemon { get; set; }
    [Option("stats")] public bool Stats { get; set; }
    [Option("rate")] public bool Rate { get; set; }
    [Option("thresholds")] public bool Thresholds { get; set; }
    [Option("persistent-conn")] public bool PersistentConnections { get; set; }
    [Option("tun-info")] public bool TunnelInfo { get; set; }
    [Option("nosort")] public bool NoSort { get; set; }
    [Option("sort")] public bool Sort { get; set; }
    [Option('X', "exact")] public bool Exact { get; set; }
    [Option('6', "ipv6")] public bool Ipv6 { get; set; }

    /// <summary>Words that belong to no option: ipvsadm refuses them ("unexpected argument").</summary>
    [Value(0)] public IEnumerable<string> Extra { get; set; } = [];
}
