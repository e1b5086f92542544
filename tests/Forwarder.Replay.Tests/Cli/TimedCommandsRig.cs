using PacketDotNet;

namespace Forwarder.Replay.Tests.Cli;

/// <summary>
/// A work directory holding a NAT director (the seed's links, real servers .254 .253 .252 and a spare .251
/// with static neighbours), its rules, a client capture and a commands file; replays them with --commands.
/// </summary>
internal sealed class TimedCommandsRig : IDisposable
{
    public const string Service = "-t 192.168.1.199:80";

    /// <summary>rr over .254, .253, .252 added in that order: the list is .252, .253, .254, and rr starts at .252.</summary>
    public static readonly string[] RoundRobinOverThree =
    [
        "-A -t 192.168.1.199:80 -s rr",
        "-a -t 192.168.1.199:80 -r 192.168.139.254:80 -m -w 1",
        "-a -t 192.168.1.199:80 -r 192.168.139.253:80 -m -w 1",
        "-a -t 192.168.1.199:80 -r 192.168.139.252:80 -m -w 1",
    ];

    private static readonly string[] Topology =
    [
        "interface eth2 02:00:00:00:01:71 192.168.1.113/24 public",
        "interface eth1 02:00:00:00:8b:8e 192.168.139.142/24 private",
        "neighbor 192.168.1.106 02:00:00:00:01:6a eth2",
        "neighbor 192.168.139.254 02:00:00:00:8b:fe eth1",
        "neighbor 192.168.139.253 02:00:00:00:8b:fd eth1",
        "neighbor 192.168.139.252 02:00:00:00:8b:fc eth1",
        "neighbor 192.168.139.251 02:00:00:00:8b:fb eth1",
    ];

    private readonly string _work = Directory.CreateTempSubdirectory("forwarder-commands-").FullName;

    public string CommandsPath => Path.Combine(_work, "commands");

    public ReplayRun Replay(IEnumerable<string> rules, IEnumerable<(double Seconds, byte[] Frame)> capture, IEnumerable<string> commands,
        bool list = false, bool listConnections = false)
    {
        var rulesPath = Path.Combine(_work, "rules");
        var topologyPath = Path.Combine(_work, "topology");
        var capturePath = Path.Combine(_work, "eth2.pcap");
        File.WriteAllLines(rulesPath, rules);
        File.WriteAllLines(topologyPath, Topology);
        File.WriteAllLines(CommandsPath, commands);
        ClientTraffic.Write(capturePath, capture);
        return ReplayRun.Start(rulesPath, topologyPath, [("eth2", capturePath)], list, listConnections, commands: CommandsPath);
    }

    /// <summary>The real server each forwarded SYN went to, last octet only, in the order they were sent.</summary>
    public static IReadOnlyList<int> ServersOfSyns(ReplayRun run) =>
        CaptureFrames.Read(run.OutputCapture("eth1"))
            .Select(f => f.Packet.Extract<TcpPacket>() is { Synchronize: true } ? f.Packet.Extract<IPv4Packet>() : null)
            .Where(ip => ip is not null)
            .Select(ip => (int)ip!.DestinationAddress.GetAddressBytes()[3])
            .ToList();

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
