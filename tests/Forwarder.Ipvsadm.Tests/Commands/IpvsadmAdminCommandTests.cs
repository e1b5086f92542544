using System.Diagnostics;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Tests.Control;
using Forwarder.Ipvsadm.Tests.Execution;

namespace Forwarder.Ipvsadm.Tests.Commands;

/// <summary>
/// <c>forwarder ipvsadm ...</c> as a real process (the built forwarder.dll beside these tests) against a control
/// server in this process: the bytes it prints and the status it ends with are the director's answer's.
/// </summary>
public sealed class IpvsadmAdminCommandTests
{
    private string _directory = null!;
    private ExecutorRig _rig = null!;
    private ControlServer _server = null!;

    private string SocketPath => Path.Combine(_directory, "forwarder.sock");

    [SetUp]
    public void StartDirector()
    {
        _directory = Directory.CreateTempSubdirectory("forwarder-admin-").FullName;
        _rig = new ExecutorRig();
        _rig.Do("-A -t 192.168.1.113:80 -s rr");
        _rig.Do("-a -t 192.168.1.113:80 -r 192.168.139.129:80 -m");
        var queue = new object();
        // Commands from the process run one at a time, as the engine's queue would run them.
        _server = new ControlServer(SocketPath, (invocation, _) =>
        {
            lock (queue)
            {
                return Task.FromResult(_rig.Executor.Execute(invocation));
            }
        });
        _server.Start();
    }

    [TearDown]
    public void StopDirector()
    {
        _server.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static Task<IpvsadmResult> RunForwarderAsync(string standardInput, IDictionary<string, string>? environment, params string[] arguments) =>
        ForwarderClientProcess.RunAsync(standardInput, environment, arguments);

    private Task<IpvsadmResult> ForwarderAsync(params string[] arguments) =>
        RunForwarderAsync("", null, ["--socket", SocketPath, .. arguments]);

    [Test]
    public async Task ListNumeric_PrintsTheDirectorsTable_ExitZero()
    {
        var result = await ForwarderAsync("-Ln");

        Assert.That(result, Is.EqualTo(new IpvsadmResult(0,
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "TCP  192.168.1.113:80 rr\n" +
            "  -> 192.168.139.129:80           Masq    1      0          0         \n",
            "")));
    }

    [Test]
    public async Task RefusedEdit_PrintsIpvsadmsWords_Exit255()
    {
        var result = await ForwarderAsync("-a", "-t", "192.168.1.113:80", "-r", "192.168.139.129:80", "-m");

        Assert.That(result, Is.EqualTo(new IpvsadmResult(255, "", "Destination already exists\n")));
    }

    [Test]
    public async Task BadArgument_Exit2_AndUnknownOption_Exit255()
    {
        Assert.That(await ForwarderAsync("-A", "-t", "192.168.1.300:80"),
            Is.EqualTo(new IpvsadmResult(2, "", "illegal virtual server address[:port] specified\n")));
        Assert.That(await ForwarderAsync("-L", "--bogus"),
            Is.EqualTo(new IpvsadmResult(255, "", "--bogus: unknown option\n")));
    }

    [Test]
    public async Task Restore_ReadsStdin()
    {
        var result = await RunForwarderAsync("-A -t 10.0.0.1:53 -s rr\n-a -t 10.0.0.1:53 -r 10.0.1.1 -g -w 3\n", null, "--socket", SocketPath, "-R");

        Assert.That(result, Is.EqualTo(new IpvsadmResult(0, "", "")));
        Assert.That(_rig.Run("-Sn").StandardOutput, Does.Contain("-a -t 10.0.0.1:53 -r 10.0.1.1:53 -g -w 3\n"));
    }

    [Test]
    public async Task SocketFromTheEnvironment()
    {
        var result = await RunForwarderAsync("", new Dictionary<string, string> { [ControlSocketPath.EnvironmentVariable] = SocketPath }, "-L", "--timeout");

        Assert.That(result, Is.EqualTo(new IpvsadmResult(0, "Timeout (tcp tcpfin udp): 900 120 300\n", "")));
    }

    [Test]
    public async Task Help_ToStdout_ExitZero()
    {
        var result = await ForwarderAsync("-h");

        Assert.That(result.ExitCode, Is.Zero);
        Assert.That(result.StandardOutput, Does.StartWith("ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\nUsage:\n"));
        Assert.That(result.StandardError, Is.Empty);
    }

    [Test]
    public async Task NoDirector_NamesTheSocket_Exit2()
    {
        var missing = Path.Combine(_directory, "nobody.sock");

        var result = await RunForwarderAsync("", null, "--socket", missing, "-Ln");

        Assert.That(result, Is.EqualTo(new IpvsadmResult(2, "", $"ipvsadm: cannot reach the director at {missing} (is it running?)\n")));
    }

    [Test]
    public async Task SocketOptionWithoutPath_Exit2()
    {
        var result = await RunForwarderAsync("", null, "--socket");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.StandardError, Does.Contain("--socket needs the path"));
    }
}
