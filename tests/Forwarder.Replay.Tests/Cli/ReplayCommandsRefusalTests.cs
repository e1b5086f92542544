using Forwarder.Capture.Files;
using static Forwarder.Replay.Tests.Cli.TimedCommandsRig;

namespace Forwarder.Replay.Tests.Cli;

/// <summary>
/// A commands file that cannot be read is refused, with its line, before any frame moves; a command the
/// director refuses when its time comes stops the replay there, in ipvsadm's words, leaving valid captures.
/// </summary>
[TestFixture]
public sealed class ReplayCommandsRefusalTests : TimedCommandsFixture
{
    [Test]
    public void CommandRefusedAtItsTime_StopsTheReplay_WithItsLineAndIpvsadmsMessage()
    {
        using var run = Rig.Replay(RoundRobinOverThree, ClientTraffic.Syns(40000, 0, 0.5, 1.0, 1.5),
            ["# .250 was never a real server", $"0.5 -a {Service} -r 192.168.139.251:80 -m", $"1.0 -d {Service} -r 192.168.139.250:80"],
            list: true);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.StandardError, Is.EqualTo($"forwarder replay: {Rig.CommandsPath}:3: No such destination\n"));
        Assert.That(run.StandardOutput, Is.Empty);
        // What went out before the refusal is a whole, readable capture; nothing from 1.0 on was replayed.
        Assert.That(ServersOfSyns(run), Is.EqualTo(new[] { 252, 253 }));
        Assert.That(CaptureFrames.Read(run.OutputCapture("eth2")), Is.Empty);
    }

    [TestCase("1,5")]
    [TestCase("1.")]
    [TestCase(".5")]
    [TestCase("1e3")]
    [TestCase("+1")]
    [TestCase("soon")]
    public void MalformedTime_IsRefusedWithItsLine_BeforeAnythingRuns(string time)
    {
        using var run = Rig.Replay(RoundRobinOverThree, ClientTraffic.Syns(40000, 0), ["# first a comment", "", $"{time} -C"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.StandardError, Does.StartWith($"forwarder replay: {Rig.CommandsPath}:3: '{time}' is not a time"));
        Assert.That(File.Exists(run.OutputCapture("eth1")), Is.False);
    }

    [Test]
    public void TimeFinerThanAMicrosecond_IsRefused()
    {
        using var run = Rig.Replay(RoundRobinOverThree, ClientTraffic.Syns(40000, 0), ["1.0000005 -C"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.StandardError, Does.Contain(":1: '1.0000005' has more than 6 decimals"));
    }

    [TestCase("-Ln")]
    [TestCase("-L -n -c")]
    [TestCase("-S")]
    [TestCase("-R")]
    [TestCase("-h")]
    public void CommandThatDoesNotEditTheTable_IsRefusedWithItsLine(string command)
    {
        using var run = Rig.Replay(RoundRobinOverThree, ClientTraffic.Syns(40000, 0), [$"0 -Z", $"1 {command}"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.StandardError, Is.EqualTo(
            $"forwarder replay: {Rig.CommandsPath}:2: '{command.Split(' ')[0]}' does not edit the table and has no place in a commands file\n"));
        Assert.That(File.Exists(run.OutputCapture("eth1")), Is.False);
    }

    [Test]
    public void CommandIpvsadmCannotParse_IsRefusedWithItsLineAndIpvsadmsWords()
    {
        using var run = Rig.Replay(RoundRobinOverThree, ClientTraffic.Syns(40000, 0), [$"1 -a {Service} -r 192.168.139.300:80 -m"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.StandardError, Is.EqualTo($"forwarder replay: {Rig.CommandsPath}:1: illegal real server address[:port] specified\n"));
    }

    [Test]
    public void TimeWithoutACommand_IsRefused()
    {
        using var run = Rig.Replay(RoundRobinOverThree, ClientTraffic.Syns(40000, 0), ["2.5"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.StandardError, Does.Contain(":1: no ipvsadm command after the time 2.5"));
    }

    [Test]
    public void MissingCommandsFile_IsNamed()
    {
        var seed = RepositoryPaths.Scenario("seed-nat-rr");
        var absent = Path.Combine(Path.GetTempPath(), "forwarder-no-such-commands");
        using var run = ReplayRun.Start(Path.Combine(seed, "rules"), Path.Combine(seed, "topology"), [("eth2", Path.Combine(seed, "eth2.pcap"))],
            commands: absent);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.StandardError, Is.EqualTo($"forwarder replay: {absent}: no such file\n"));
    }
}
