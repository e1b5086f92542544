using System.Net.Sockets;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Tests.Execution;

namespace Forwarder.Ipvsadm.Tests.Control;

/// <summary>The control socket for real: a Unix-domain socket in a fresh directory, server and client in this process.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ControlServerTests
{
    private string _directory = null!;

    private string SocketPath => Path.Combine(_directory, "run", "forwarder.sock");

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("forwarder-control-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_directory, recursive: true);

    private static Func<IpvsadmInvocation, CancellationToken, Task<IpvsadmResult>> Run(ExecutorRig rig) =>
        (invocation, _) => Task.FromResult(rig.Executor.Execute(invocation));

    [Test]
    public async Task RoundTrip_CarriesArgumentsStdinAndTheWholeResult()
    {
        var rig = new ExecutorRig();
        using var server = new ControlServer(SocketPath, Run(rig));
        server.Start();
        var client = new ControlClient(SocketPath);

        var restore = await client.SendAsync(new IpvsadmInvocation(["-R"], "-A -t 192.168.1.113:80 -s rr\n-a -t 192.168.1.113:80 -r 192.168.139.129:80 -m\n"));
        var listing = await client.SendAsync(new IpvsadmInvocation(["-Ln"]));
        var refusal = await client.SendAsync(new IpvsadmInvocation(["-A", "-t", "192.168.1.113:80"]));

        Assert.That(restore, Is.EqualTo(new IpvsadmResult(0, "", "")));
        Assert.That(listing, Is.EqualTo(rig.Run("-Ln")));
        Assert.That(listing.StandardOutput, Does.Contain("  -> 192.168.139.129:80           Masq    1      0          0         \n"));
        Assert.That(refusal, Is.EqualTo(new IpvsadmResult(255, "", "Service already exists\n")));
    }

    [Test]
    public void Start_CreatesTheDirectory_AndASocketOnlyItsOwnerMayUse()
    {
        using var server = new ControlServer(SocketPath, Run(new ExecutorRig()));
        server.Start();

        Assert.That(File.GetUnixFileMode(SocketPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void Dispose_RemovesTheSocketFile()
    {
        var server = new ControlServer(SocketPath, Run(new ExecutorRig()));
        server.Start();

        server.Dispose();

        Assert.That(File.Exists(SocketPath), Is.False);
    }

    [Test]
    public void NoServer_ClientSaysWhereItLookedAndExitsTwo()
    {
        var result = new ControlClient(SocketPath).Send(new IpvsadmInvocation(["-Ln"]));

        Assert.That(result, Is.EqualTo(new IpvsadmResult(2, "",
            $"ipvsadm: cannot reach the director at {SocketPath} (is it running?)\n")));
    }

    [Test]
    public async Task StaleSocketFile_IsReplaced()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SocketPath)!);
        using (var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            // .NET unlinks the path it bound when the socket closes; moved away first, the file outlives it,
            // as it outlives a director that was killed.
            dead.Bind(new UnixDomainSocketEndPoint(SocketPath + ".bound"));
            File.Move(SocketPath + ".bound", SocketPath);
        }
        Assert.That(File.Exists(SocketPath), Is.True);
        var stale = new ControlClient(SocketPath).Send(new IpvsadmInvocation(["-Ln"]));
        Assert.That(stale.StandardError, Does.Contain("is it running?"));

        using var server = new ControlServer(SocketPath, Run(new ExecutorRig()));
        server.Start();

        var result = await new ControlClient(SocketPath).SendAsync(new IpvsadmInvocation(["-L", "--timeout"]));
        Assert.That(result.StandardOutput, Is.EqualTo("Timeout (tcp tcpfin udp): 900 120 300\n"));
    }

    [Test]
    public void LiveServer_IsNotReplacedByASecond()
    {
        using var first = new ControlServer(SocketPath, Run(new ExecutorRig()));
        first.Start();
        using var second = new ControlServer(SocketPath, Run(new ExecutorRig()));

        Assert.That(second.Start, Throws.InstanceOf<IOException>().With.Message.Contains("already listening"));
        Assert.That(new ControlClient(SocketPath).Send(new IpvsadmInvocation(["-v"])).ExitCode, Is.Zero);
    }

    [Test]
    public void RegularFileAtThePath_IsLeftAlone()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SocketPath)!);
        File.WriteAllText(SocketPath, "not a socket");
        using var server = new ControlServer(SocketPath, Run(new ExecutorRig()));

        Assert.That(server.Start, Throws.InstanceOf<IOException>());
        Assert.That(File.ReadAllText(SocketPath), Is.EqualTo("not a socket"));
    }

    [Test]
    public void PeerCredentials_AreTheConnectingProcesss()
    {
        PeerCredentials? seen = null;
        using var server = new ControlServer(SocketPath, Run(new ExecutorRig()), peer =>
        {
            seen = peer;
            return true;
        });
        server.Start();

        new ControlClient(SocketPath).Send(new IpvsadmInvocation(["-v"]));

        var self = PeerCredentials.OfThisProcess();
        Assert.That(seen, Is.EqualTo(self));
        Assert.That(self.ProcessId, Is.EqualTo(Environment.ProcessId));
    }

    [Test]
    public void UnauthorisedPeer_IsRefusedWithStatusTwo_AndNothingRuns()
    {
        var rig = new ExecutorRig();
        using var server = new ControlServer(SocketPath, Run(rig), _ => false);
        server.Start();

        var result = new ControlClient(SocketPath).Send(new IpvsadmInvocation(["-A", "-t", "10.0.0.1:80"]));

        var uid = PeerCredentials.OfThisProcess().UserId;
        Assert.That(result, Is.EqualTo(new IpvsadmResult(2, "",
            $"ipvsadm: permission denied: the director at {SocketPath} takes commands only from root and uid {uid}, not uid {uid}\n")));
        Assert.That(rig.Services.Count, Is.Zero);
    }

    [Test]
    public async Task Garbage_IsDropped_AndTheServerCarriesOn()
    {
        using var server = new ControlServer(SocketPath, Run(new ExecutorRig()));
        server.Start();
        using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
            await socket.SendAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
            // Closed without a word: an orderly end or, as the server left bytes unread, a reset.
            var buffer = new byte[16];
            try
            {
                Assert.That(await socket.ReceiveAsync(buffer), Is.Zero);
            }
            catch (SocketException reset) when (reset.SocketErrorCode == SocketError.ConnectionReset)
            {
            }
        }

        Assert.That((await new ControlClient(SocketPath).SendAsync(new IpvsadmInvocation(["-v"]))).ExitCode, Is.Zero);
    }
}
