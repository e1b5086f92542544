using static Forwarder.Replay.Tests.Cli.TimedCommandsRig;

namespace Forwarder.Replay.Tests.Cli;

/// <summary><c>--commands</c>: edits to the table mid-capture change where the SYNs after them go.</summary>
[TestFixture]
public sealed class ReplayCommandsEditTests : TimedCommandsFixture
{
    [Test]
    public void DeleteAtOneSecondAndAddAtTwo_LaterSynsFollowTheEditedList()
    {
        using var run = Rig.Replay(RoundRobinOverThree, ClientTraffic.Syns(40000, 0, 0.25, 0.5, 1.0, 1.25, 2.0, 2.25, 2.5, 2.75),
            [$"1.0 -d {Service} -r 192.168.139.253:80", $"2.0 -a {Service} -r 192.168.139.251:80 -m"]);

        Assert.That(run.ExitCode, Is.Zero, run.StandardError);
        // rr over .252 .253 .254; the SYN at 1.0 already meets the list without .253 (a command runs before
        // the frames of its own moment); at 2.0 .251 goes to the head and rr reaches it after .254.
        Assert.That(ServersOfSyns(run), Is.EqualTo(new[] { 252, 253, 254, 252, 254, 251, 252, 254, 251 }));
    }

    [Test]
    public void EditServerToWeightZero_QuiescesIt()
    {
        using var run = Rig.Replay(RoundRobinOverThree, ClientTraffic.Syns(40000, 0, 0.25, 0.5, 1.0, 1.25, 1.5, 1.75),
            [$"1.0 -e {Service} -r 192.168.139.252:80 -m -w 0"]);

        Assert.That(run.ExitCode, Is.Zero, run.StandardError);
        Assert.That(ServersOfSyns(run), Is.EqualTo(new[] { 252, 253, 254, 253, 254, 253, 254 }));
    }

    [Test]
    public void EditServiceToWeightedRoundRobin_LaterSynsFollowTheWeights()
    {
        string[] rules =
        [
            "-A -t 192.168.1.199:80 -s rr",
            "-a -t 192.168.1.199:80 -r 192.168.139.254:80 -m -w 3",
            "-a -t 192.168.1.199:80 -r 192.168.139.253:80 -m -w 1",
            "-a -t 192.168.1.199:80 -r 192.168.139.252:80 -m -w 1",
        ];
        var before = new[] { 0, 0.1, 0.2, 0.3, 0.4, 0.5 };
        var after = Enumerable.Range(0, 10).Select(i => 1.0 + (i / 10.0)).ToArray();
        using var run = Rig.Replay(rules, ClientTraffic.Syns(40000, [.. before, .. after]), [$"1 -E {Service} -s wrr"]);

        Assert.That(run.ExitCode, Is.Zero, run.StandardError);
        var servers = ServersOfSyns(run);
        // rr ignores the weights: two each.
        Assert.That(servers.Take(6).Count(s => s == 254), Is.EqualTo(2));
        // wrr gives .254 three shares in five: six of ten.
        var afterEdit = servers.Skip(6).ToList();
        Assert.That(afterEdit.Count(s => s == 254), Is.EqualTo(6));
        Assert.That(afterEdit.Count(s => s == 253), Is.EqualTo(2));
        Assert.That(afterEdit.Count(s => s == 252), Is.EqualTo(2));
    }

    [Test]
    public void SetTimeoutsMidCapture_GivesLaterUdpConnectionsTheNewTimeout()
    {
        string[] rules = ["-A -u 192.168.1.199:53 -s rr", "-a -u 192.168.1.199:53 -r 192.168.139.254:53 -m"];
        using var run = Rig.Replay(rules, [ClientTraffic.Datagram(0, 5000), ClientTraffic.Datagram(2.0, 5001)],
            ["1.0 --set 0 0 20"], listConnections: true);

        Assert.That(run.ExitCode, Is.Zero, run.StandardError);
        // Listed at the last frame (2.0): the first datagram took the default 300 s, the second the new 20 s.
        Assert.That(run.StandardOutput, Is.EqualTo(
            "IPVS connection entries\n" +
            "pro expire state       source             virtual            destination\n" +
            "UDP 04:58  UDP         192.168.1.106:5000 192.168.1.199:53   192.168.139.254:53\n" +
            "UDP 00:20  UDP         192.168.1.106:5001 192.168.1.199:53   192.168.139.254:53\n"));
    }
}
