using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Tests.Execution;

namespace Forwarder.Ipvsadm.Tests.Control;

/// <summary>A socket path longer than sun_path holds: refused in one wording by the client and the director alike.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ControlSocketPathTests
{
    private string _directory = null!;

    /// <summary>sun_path is 108 bytes with the path's NUL.</summary>
    private const int LongestPath = 107;

    private string TooLongPath => Path.Combine(_directory, new string('s', LongestPath + 1 - _directory.Length - 1));

    private static string Refusal(string path) =>
        $"the control socket path is {LongestPath + 1} bytes long, over the {LongestPath} bytes a Unix socket path can hold: {path}";

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("forwarder-path-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void LongestPathASocketCanHave_StillWorks()
    {
        var path = Path.Combine(_directory, new string('s', LongestPath - _directory.Length - 1));
        using var server = new ControlServer(path, (invocation, _) => Task.FromResult(new ExecutorRig().Executor.Execute(invocation)));
        server.Start();

        Assert.That(new ControlClient(path).Send(new IpvsadmInvocation(["-v"])).ExitCode, Is.Zero);
    }

    [Test]
    public void Client_RefusesAPathTooLongForASocket_InOneLine_ExitTwo()
    {
        var result = new ControlClient(TooLongPath).Send(new IpvsadmInvocation(["-Ln"]));

        Assert.That(result, Is.EqualTo(new IpvsadmResult(2, "", $"ipvsadm: {Refusal(TooLongPath)}\n")));
    }

    [Test]
    public void Director_RefusesItInTheSameWords()
    {
        using var server = new ControlServer(TooLongPath, (_, _) => Task.FromResult(new IpvsadmResult(0, "", "")));

        Assert.That(server.Start, Throws.ArgumentException.With.Message.EqualTo(Refusal(TooLongPath)));
        Assert.That(File.Exists(TooLongPath), Is.False);
    }

    [Test]
    public async Task AdminCommand_DoesNotCrash_OnAPathTooLongForASocket()
    {
        var result = await ForwarderClientProcess.RunAsync("", "--socket", TooLongPath, "-Ln");

        Assert.That(result, Is.EqualTo(new IpvsadmResult(2, "", $"ipvsadm: {Refusal(TooLongPath)}\n")));
    }
}
