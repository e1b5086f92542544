using System.Net.Sockets;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Ipvsadm.Tests.Control;

/// <summary>
/// Why the client could not connect, told apart: no socket file (not running), a socket file nobody listens on
/// (stale), and a live listener whose backlog is full (busy, not "is it running?").
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ConnectFailureTests
{
    private string _directory = null!;
    private readonly List<Socket> _sockets = [];

    private string SocketPath => Path.Combine(_directory, "forwarder.sock");

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("forwarder-connect-").FullName;

    [TearDown]
    public void CloseAndRemove()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
        Directory.Delete(_directory, recursive: true);
    }

    private Socket NewSocket()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _sockets.Add(socket);
        return socket;
    }

    private IpvsadmResult List() => new ControlClient(SocketPath).Send(new IpvsadmInvocation(["-Ln"]));

    [Test]
    public void NoSocketFile_AsksWhetherItIsRunning()
    {
        Assert.That(List(), Is.EqualTo(new IpvsadmResult(2, "", $"ipvsadm: cannot reach the director at {SocketPath} (is it running?)\n")));
    }

    [Test]
    public void SocketFileNobodyListensOn_IsCalledStale()
    {
        // .NET unlinks what it bound when the socket closes; moved away first, the file outlives its listener.
        var dead = NewSocket();
        dead.Bind(new UnixDomainSocketEndPoint(SocketPath + ".bound"));
        File.Move(SocketPath + ".bound", SocketPath);
        dead.Dispose();

        Assert.That(List(), Is.EqualTo(new IpvsadmResult(2, "",
            $"ipvsadm: cannot reach the director at {SocketPath}: the socket is there but nobody listens on it (is it running?)\n")));
    }

    [Test]
    public void FullBacklog_SaysTheDirectorIsBusy_NotThatItIsNotRunning()
    {
        // A live listener that accepts nobody, its backlog filled by connections that wait.
        var listener = NewSocket();
        listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        listener.Listen(1);
        var full = false;
        for (var i = 0; i < 64 && !full; i++)
        {
            var waiting = NewSocket();
            waiting.Blocking = false;
            try
            {
                waiting.Connect(new UnixDomainSocketEndPoint(SocketPath));
            }
            catch (SocketException refused) when (refused.SocketErrorCode == SocketError.WouldBlock)
            {
                full = true;
            }
        }
        Assert.That(full, Is.True, "the backlog never filled");

        Assert.That(List(), Is.EqualTo(new IpvsadmResult(2, "",
            $"ipvsadm: the director at {SocketPath} is busy: its queue of waiting connections is full; try again\n")));
    }
}
