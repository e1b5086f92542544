using Forwarder.Capture.Replay;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Naming;
using Forwarder.Replay;

namespace Forwarder.Replay.Tests.Replay;

/// <summary>The replay as a program drives it: rules and topology in, a capture and timed commands, listings out.</summary>
[TestFixture]
public sealed class DirectorReplayTests
{
    private const string Topology = """
        interface eth2 02:00:00:00:01:71 192.168.1.113/24 public
        interface eth1 02:00:00:00:8b:8e 192.168.139.142/24 private
        neighbor 192.168.1.106 02:00:00:00:01:6a eth2
        neighbor 192.168.139.254 02:00:00:00:8b:fe eth1
        neighbor 192.168.139.253 02:00:00:00:8b:fd eth1
        """;

    private const string Rules = """
        -A -t 192.168.1.199:80 -s rr
        -a -t 192.168.1.199:80 -r 192.168.139.254:80 -m
        """;

    private static readonly IpvsadmParser Parser = new(ServiceNames.BuiltIn, HostNames.None);

    private string _work = null!;

    [SetUp]
    public void CreateWorkDirectory() => _work = Directory.CreateTempSubdirectory("forwarder-director-replay-").FullName;

    [TearDown]
    public void RemoveWorkDirectory() => Directory.Delete(_work, recursive: true);

    private IReadOnlyList<ReplayInput> Capture(params (double Seconds, byte[] Frame)[] frames)
    {
        var path = Path.Combine(_work, "eth2.pcap");
        ClientTraffic.Write(path, frames);
        return [new ReplayInput("eth2", path)];
    }

    [Test]
    public void CommandsRunMidCapture_AndTheListingsShowTheEnd()
    {
        var replay = DirectorReplay.Build(Topology, Rules, parser: Parser);
        var commands = replay.ParseCommands("1 -a -t 192.168.1.199:80 -r 192.168.139.253:80 -m\n");

        var result = replay.Run(Capture(ClientTraffic.Syn(0, 40000), ClientTraffic.Syn(1, 40001)), Path.Combine(_work, "out"), commands);

        Assert.That(result.FramesOut["eth1"], Is.EqualTo(2));
        Assert.That(replay.ListTable(), Is.EqualTo(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "TCP  192.168.1.199:80 rr\n" +
            "  -> 192.168.139.253:80           Masq    1      1          0         \n" +
            "  -> 192.168.139.254:80           Masq    1      1          0         \n"));
        Assert.That(replay.ListConnections(), Is.EqualTo(
            "IPVS connection entries\n" +
            "pro expire state       source             virtual            destination\n" +
            "TCP 00:59  SYN_RECV    192.168.1.106:40000 192.168.1.199:80   192.168.139.254:80\n" +
            "TCP 01:00  SYN_RECV    192.168.1.106:40001 192.168.1.199:80   192.168.139.253:80\n"));
    }

    [Test]
    public void AnyIpvsadmCommand_RunsOnTheReplayedDirector()
    {
        var replay = DirectorReplay.Build(Topology, Rules, parser: Parser);
        replay.Run(Capture(ClientTraffic.Syn(0, 40000)), Path.Combine(_work, "out"));

        var timeouts = replay.Ipvsadm("-L", "--timeout");

        Assert.That(timeouts.ExitCode, Is.Zero);
        Assert.That(timeouts.StandardOutput, Is.EqualTo("Timeout (tcp tcpfin udp): 900 120 300\n"));
    }

    [Test]
    public void RefusedCommand_ThrowsWithItsFileLineAndMessage()
    {
        var replay = DirectorReplay.Build(Topology, Rules, parser: Parser);
        var commands = replay.ParseCommands("\n0.5 -D -t 192.168.1.199:81\n");

        var refused = Assert.Throws<TimedCommandRefusedException>(() =>
            replay.Run(Capture(ClientTraffic.Syn(0, 40000), ClientTraffic.Syn(1, 40001)), Path.Combine(_work, "out"), commands, "timeline"));

        Assert.That(refused.Message, Is.EqualTo("timeline:2: No such service"));
        Assert.That(refused.LineNumber, Is.EqualTo(2));
        Assert.That(refused.IpvsadmExitCode, Is.EqualTo(255));
    }
}
