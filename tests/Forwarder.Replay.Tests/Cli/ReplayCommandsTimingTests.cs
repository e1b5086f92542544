using static Forwarder.Replay.Tests.Cli.TimedCommandsRig;

namespace Forwarder.Replay.Tests.Cli;

/// <summary>
/// When <c>--commands</c> lines run: by time counted from the capture's first frame, before the frames of
/// their own moment, ties in the file's order, those before the capture first and those after it at the end.
/// </summary>
[TestFixture]
public sealed class ReplayCommandsTimingTests : TimedCommandsFixture
{
    [Test]
    public void CommandsAtOrBeforeTheFirstFrame_RunBeforeIt()
    {
        using var run = Rig.Replay(RoundRobinOverThree, ClientTraffic.Syns(40000, 0, 0.5),
            [$"-1 -d {Service} -r 192.168.139.252:80", $"0 -d {Service} -r 192.168.139.253:80"]);

        Assert.That(run.ExitCode, Is.Zero, run.StandardError);
        Assert.That(ServersOfSyns(run), Is.EqualTo(new[] { 254, 254 }));
    }

    [Test]
    public void CommandsAfterTheLastFrame_RunAtTheEnd_BeforeTheListings_OnTheirOwnClock()
    {
        using var run = Rig.Replay(RoundRobinOverThree, ClientTraffic.Syns(40000, 0, 0.5),
            [$"100 -a {Service} -r 192.168.139.251:80 -m", $"5.5 -d {Service} -r 192.168.139.254:80"], list: true, listConnections: true);

        Assert.That(run.ExitCode, Is.Zero, run.StandardError);
        // The clock stood at 100 s when the listings ran: the SYN_RECV entries (60 s) have expired.
        Assert.That(run.StandardOutput, Is.EqualTo(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "TCP  192.168.1.199:80 rr\n" +
            "  -> 192.168.139.251:80           Masq    1      0          0         \n" +
            "  -> 192.168.139.252:80           Masq    1      0          0         \n" +
            "  -> 192.168.139.253:80           Masq    1      0          0         \n" +
            "IPVS connection entries\n" +
            "pro expire state       source             virtual            destination\n"));
    }

    [Test]
    public void CommandsAtTheSameTime_RunInTheFilesOrder()
    {
        using var run = Rig.Replay(RoundRobinOverThree, ClientTraffic.Syns(40000, 0, 1.0, 1.5),
            [$"1.0 -d {Service} -r 192.168.139.254:80", $"1.0 -a {Service} -r 192.168.139.254:80 -m"]);

        Assert.That(run.ExitCode, Is.Zero, run.StandardError);
        // Deleted, then added back at the head of the list.
        Assert.That(ServersOfSyns(run), Is.EqualTo(new[] { 252, 253, 254 }));
    }

    [Test]
    public void CommandsAtTheSameTime_InTheOtherOrder_MeetTheAddBeforeTheDelete()
    {
        using var run = Rig.Replay(RoundRobinOverThree, ClientTraffic.Syns(40000, 0, 1.0),
            [$"1.0 -a {Service} -r 192.168.139.254:80 -m", $"1.0 -d {Service} -r 192.168.139.254:80"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.StandardError, Is.EqualTo($"forwarder replay: {Rig.CommandsPath}:1: Destination already exists\n"));
    }

    [Test]
    public void CommandsOutOfTimeOrderInTheFile_RunInTimeOrder()
    {
        using var run = Rig.Replay(RoundRobinOverThree, ClientTraffic.Syns(40000, 0.5, 1.5, 1.6, 1.7, 1.8, 2.5, 2.6, 2.7),
            [$"2.0 -d {Service} -r 192.168.139.251:80", $"1.0 -a {Service} -r 192.168.139.251:80 -m"]);

        Assert.That(run.ExitCode, Is.Zero, run.StandardError);
        Assert.That(ServersOfSyns(run), Is.EqualTo(new[] { 252, 253, 254, 251, 252, 253, 254, 252 }));
    }
}
