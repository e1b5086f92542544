using System.Diagnostics;

namespace Forwarder.Replay.Tests.Cli;

/// <summary>
/// Replay's refusals repeat the user's words (paths, IF=PCAP, file contents) as Core.EchoedText shows them:
/// control characters as \xHH, at most 256 characters of a word; nothing raw reaches the terminal.
/// </summary>
[TestFixture]
public sealed class EchoedInputTests
{
    private string _work = null!;
    private string _seed = null!;

    [SetUp]
    public void CreateWorkDirectory()
    {
        _work = Directory.CreateTempSubdirectory("forwarder-replay-echo-").FullName;
        _seed = RepositoryPaths.Scenario("seed-nat-rr");
    }

    [TearDown]
    public void RemoveWorkDirectory() => Directory.Delete(_work, recursive: true);

    private string Rules => Path.Combine(_seed, "rules");

    private string Topology => Path.Combine(_seed, "topology");

    private string Capture => Path.Combine(_seed, "eth2.pcap");

    [Test]
    public void InputWithoutEquals_IsEscaped()
    {
        var options = new Forwarder.Commands.ReplayOptions
        {
            Rules = Rules,
            Topology = Topology,
            Inputs = ["\u001b[2J"],
            Output = Path.Combine(_work, "out"),
        };
        using var errors = new StringWriter();

        var exitCode = Forwarder.Commands.ReplayCommand.Run(options, TextWriter.Null, errors);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(1));
            Assert.That(errors.ToString(), Is.EqualTo($"forwarder replay: '\\x1b[2J' is not IF=PCAP{Environment.NewLine}"));
        });
    }

    [Test]
    public void InputOnAnUnknownInterface_IsEscaped()
    {
        using var run = ReplayRun.Start(Rules, Topology, [("eth9\u001b[5m", Capture)]);

        Assert.That(run.StandardError, Is.EqualTo($"forwarder replay: --in eth9\\x1b[5m: the topology has no interface of that name{Environment.NewLine}"));
    }

    [Test]
    public void MissingTopologyWithAControlCharacter_IsEscaped()
    {
        var missing = Path.Combine(_work, "topo\u001b]0;x\u0007");

        using var run = ReplayRun.Start(Rules, missing, [("eth2", Capture)]);

        Assert.That(run.StandardError, Is.EqualTo($"forwarder replay: {_work}/topo\\x1b]0;x\\x07: no such file{Environment.NewLine}"));
    }

    [Test]
    public void MissingCaptureWithAControlCharacter_IsEscaped()
    {
        using var run = ReplayRun.Start(Rules, Topology, [("eth2", Path.Combine(_work, "cap\u001b.pcap"))]);

        Assert.That(run.StandardError, Is.EqualTo($"forwarder replay: {_work}/cap\\x1b.pcap: no such file{Environment.NewLine}"));
    }

    [Test]
    public void OutputDirectoryThatIsAFile_IsReportedWithoutControlBytes()
    {
        // .NET's own IOException message repeats the path.
        var file = Path.Combine(_work, "out\u001b[2J");
        File.WriteAllText(file, "");
        var options = new Forwarder.Commands.ReplayOptions { Rules = Rules, Topology = Topology, Inputs = [$"eth2={Capture}"], Output = file };
        using var errors = new StringWriter();

        var exitCode = Forwarder.Commands.ReplayCommand.Run(options, TextWriter.Null, errors);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(1));
            Assert.That(errors.ToString(), Does.StartWith("forwarder replay: ").And.Contain("out\\x1b[2J"));
            Assert.That(errors.ToString().TrimEnd('\n').Where(char.IsControl), Is.Empty);
        });
    }

    [Test]
    public async Task HostileTopology_FromTheRealProcess_PrintsNoControlBytesAndNoMegabyte()
    {
        var topology = Path.Combine(_work, "topology");
        File.WriteAllText(topology, File.ReadAllText(Topology) + "\n\u001b[2J\0\u009b" + new string('A', 1_000_000) + " x\n");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "forwarder.dll"), "replay", "--rules", Rules, "--topology", topology,
            "--in", $"eth2={Capture}", "--out", Path.Combine(_work, "out"),
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var message = await errors;

        Assert.Multiple(async () =>
        {
            Assert.That(process.ExitCode, Is.EqualTo(1));
            Assert.That(await output, Is.Empty);
            Assert.That(message, Does.StartWith($"forwarder replay: {topology}: line "));
            Assert.That(message, Does.Contain(": unknown keyword '\\x1b[2J\\x00\\x9b" + new string('A', 250) + "...' (expected"));
            Assert.That(message.TrimEnd('\n').Where(char.IsControl), Is.Empty);
            Assert.That(message, Has.Length.LessThan(1_000));
        });
    }
}
