using System.Diagnostics;
using System.Globalization;

namespace Forwarder.Lab.Tests;

/// <summary>run-director.sh itself: its usage, <c>stop</c>'s care over whom it signals, and what each command installs.</summary>
[TestFixture]
public sealed class RunDirectorScriptTests
{
    private string _work = null!;

    [SetUp]
    public void CreateWorkDirectory() => _work = Directory.CreateTempSubdirectory("forwarder-script-").FullName;

    [TearDown]
    public void RemoveWorkDirectory() => Directory.Delete(_work, recursive: true);

    private static string Script => Path.Combine(Repository.Root, "run-director.sh");

    /// <summary>The script's leading comment block (after the #! line), without the comment marks.</summary>
    private static string UsageBlock()
    {
        var lines = File.ReadLines(Script).Skip(1).TakeWhile(l => l.StartsWith('#'));
        return string.Concat(lines.Select(l => (l.Length > 1 ? l[2..] : string.Empty) + "\n"));
    }

    private Shell.Result RunScript(IDictionary<string, string>? environment, params string[] arguments)
    {
        var merged = new Dictionary<string, string?> { ["FORWARDER_STATE"] = _work, ["FORWARDER_DLL"] = Repository.ForwarderDll };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            merged[name] = value;
        }
        return Shell.Run(Script, arguments, TimeSpan.FromSeconds(60), environment: merged);
    }

    [TestCase("help")]
    [TestCase("-h")]
    [TestCase("--help")]
    public void Help_PrintsExactlyTheUsageComment_AndSucceeds(string command)
    {
        var result = RunScript(null, command);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.Error);
            Assert.That(result.Output, Is.EqualTo(UsageBlock()));
            Assert.That(result.Output, Does.Not.Contain("set -euo").And.Not.Contain("here="));
        });
    }

    [Test]
    public void UnknownCommand_IsNamed_WithTheUsage_AndExitsTwo()
    {
        var result = RunScript(null, "frobnicate");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Error, Is.EqualTo("run-director.sh: unknown command: frobnicate\n" + UsageBlock()));
            Assert.That(result.Output, Is.Empty);
        });
    }

    [Test]
    public void Stop_WithAPidfileNamingSomeOtherProcess_LeavesItAlone_AndRemovesThePidfile()
    {
        using var bystander = Process.Start("sleep", "60") ?? throw new InvalidOperationException("sleep did not start");
        try
        {
            var pidfile = Path.Combine(_work, "director.pid");
            File.WriteAllText(pidfile, bystander.Id.ToString(CultureInfo.InvariantCulture) + "\n");

            var result = RunScript(null, "stop");

            Assert.Multiple(() =>
            {
                Assert.That(bystander.WaitForExit(500), Is.False, "the process the stale pidfile names is not signalled");
                Assert.That(result.Error, Does.Contain("stale"));
                Assert.That(File.Exists(pidfile), Is.False, "the stale pidfile is removed");
            });
        }
        finally
        {
            if (!bystander.HasExited)
            {
                bystander.Kill();
            }
        }
    }

    [Test]
    public void Install_WithARelativePrefix_IsRefused_BeforeAnythingIsWritten()
    {
        var result = RunScript(null, "install", "usr/local");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Error, Is.EqualTo("install: PREFIX must be an absolute path, got usr/local\n"));
            Assert.That(Directory.Exists(Path.Combine(Repository.Root, "usr")), Is.False);
        });
    }

    /// <summary>
    /// The script run with a PATH of its own: the tools it needs to get going, and an <c>id</c> that says "not
    /// root", so that what it lacks is reported ("missing: ...") and nothing is installed.
    /// </summary>
    private Shell.Result RunWithoutTheLabsTools(string command)
    {
        var bin = Directory.CreateDirectory(Path.Combine(_work, "bin")).FullName;
        foreach (var tool in new[] { "bash", "dirname", "grep", "ldconfig", "dotnet", "mktemp", "rm" })
        {
            var found = Shell.Run("sh", ["-c", $"command -v {tool}"]).Output.Trim();
            Assume.That(found, Is.Not.Empty, $"{tool} is on this machine");
            File.CreateSymbolicLink(Path.Combine(bin, tool), found);
        }
        File.WriteAllText(Path.Combine(bin, "id"), "#!/bin/sh\necho 1000\n");
        Shell.Checked("chmod", "755", Path.Combine(bin, "id"));
        return RunScript(new Dictionary<string, string> { ["PATH"] = bin }, command);
    }

    [TestCase("replay")]
    [TestCase("seed")]
    [TestCase("run")]
    public void CommandOtherThanTheLab_DoesNotAskForTheLabsPackages(string command)
    {
        var result = RunWithoutTheLabsTools(command);

        Assert.That(result.Error, Does.Not.Contain("nginx").And.Not.Contain("iperf3"));
    }

    [TestCase("lab")]
    [TestCase("test")]
    public void LabAndTest_AskForTheLabsPackages(string command)
    {
        var result = RunWithoutTheLabsTools(command);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Not.Zero);
            Assert.That(result.Error, Does.Contain("missing: ").And.Contain("nginx-light").And.Contain("curl"));
        });
    }

    [TestCase("test", true)]
    [TestCase("lab", false)]
    public void OnlyTest_AsksForKeepalived_ForItsConfigTest(string command, bool asks)
    {
        var error = RunWithoutTheLabsTools(command).Error;

        Assert.That(error.Contains(" keepalived", StringComparison.Ordinal), Is.EqualTo(asks), error);
    }
}
