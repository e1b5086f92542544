using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Ipvsadm.Tests.Control;

/// <summary>
/// Hostile and greedy clients on a real control socket: what the director allocates for them is bounded by the
/// bytes they send, not by the sizes they announce; connections over the cap and requests over the limits are
/// answered with the reason at once.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ControlServerLimitsTests
{
    private const int Limit = 16 * 1024 * 1024;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly List<Socket> _sockets = [];
    private string _directory = null!;

    private string SocketPath => Path.Combine(_directory, "forwarder.sock");

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("forwarder-limits-").FullName;

    [TearDown]
    public void CloseAndRemove()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A director that answers every request with the size of its stdin.</summary>
    private ControlServer StartServer(ControlServerLimits? limits = null)
    {
        var server = new ControlServer(SocketPath,
            (invocation, _) => Task.FromResult(new IpvsadmResult(0, $"{invocation.StandardInput.Length}\n", "")), limits: limits);
        server.Start();
        return server;
    }

    /// <summary>
    /// A connection that sends a request header announcing <paramref name="announced"/> bytes, then <paramref name="sent"/>
    /// of them, or as many as the server takes before it answers and closes.
    /// </summary>
    private async Task<Socket> HostileAsync(uint announced, int sent)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _sockets.Add(socket);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
                break;
            }
            catch (SocketException full) when (full.SocketErrorCode == SocketError.WouldBlock && attempt < 100)
            {
                // Connections arrive faster than the director accepts them: its backlog is full for a moment.
                await Task.Delay(10);
            }
        }
        var request = new byte[8 + sent];
        "FWQ1"u8.CopyTo(request);
        BinaryPrimitives.WriteUInt32BigEndian(request.AsSpan(4), announced);
        try
        {
            await socket.SendAsync(request);
        }
        catch (SocketException answered) when (answered.SocketErrorCode is SocketError.Shutdown or SocketError.ConnectionReset)
        {
            // The server answered without reading it all, and closed.
        }
        return socket;
    }

    /// <summary>The server's answer: every byte it sent before it closed, read as a response frame.</summary>
    private static async Task<IpvsadmResult> AnswerAsync(Socket socket)
    {
        using var patience = new CancellationTokenSource(Patience);
        using var answer = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, patience.Token)) > 0)
            {
                answer.Write(buffer, 0, read);
            }
        }
        catch (SocketException reset) when (reset.SocketErrorCode == SocketError.ConnectionReset)
        {
            // As Linux tells a peer whose bytes were left unread: after the answer, not instead of it.
        }
        answer.Position = 0;
        return await ControlFraming.ReadResponseAsync(answer, patience.Token);
    }

    private Task<IpvsadmResult> ListAsync() =>
        new ControlClient(SocketPath, Patience).SendAsync(new IpvsadmInvocation(["-Ln"]));

    [Test]
    public async Task HostileConnectionsAnnouncingHugeBodies_DoNotMakeTheDirectorAllocateThem()
    {
        using var server = StartServer();
        var before = GC.GetTotalAllocatedBytes(precise: true);

        for (var i = 0; i < 32; i++)
        {
            await HostileAsync(announced: Limit, sent: 100);
        }
        // What a server allocating announced sizes would have done by now, it does within moments; give it those.
        var allocated = 0L;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(2) && allocated < 64L * 1024 * 1024)
        {
            await Task.Delay(50);
            allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        }

        Assert.That(allocated, Is.LessThan(8L * 1024 * 1024), "32 connections announcing 16 MiB each, sending 100 bytes");
        Assert.That((await ListAsync()).StandardError, Does.Contain("is busy"), "their 16 slots stay taken until they time out");
    }

    [Test]
    public async Task ConnectionsOverTheCap_AreAnsweredBusyAtOnce_NamingTheCap()
    {
        using var server = StartServer();
        for (var i = 0; i < 16; i++)
        {
            await HostileAsync(announced: 100, sent: 10);
        }

        // Accepted in the order they connected, the 17th finds every slot taken.
        var result = await ListAsync();

        Assert.That(result, Is.EqualTo(new IpvsadmResult(2, "",
            $"ipvsadm: the director at {SocketPath} is busy: it serves at most 16 control connections at once; try again\n")));
    }

    [Test]
    public async Task LargeRequestOverTheCap_StillGetsTheBusyAnswer_ThoughItsWriteIsCut()
    {
        using var server = StartServer();
        for (var i = 0; i < 16; i++)
        {
            await HostileAsync(announced: 100, sent: 10);
        }

        // 5 MB is more than the socket buffers hold: the server closes while the client is still writing.
        var result = await new ControlClient(SocketPath, Patience).SendAsync(new IpvsadmInvocation(["-R"], new string('#', 5_000_000)));

        Assert.That(result.StandardError, Does.Contain("is busy: it serves at most 16 control connections at once"));
    }

    [Test]
    public async Task SlowPartialRequest_DoesNotStallOthers()
    {
        using var server = StartServer();
        var slow = await HostileAsync(announced: 1000, sent: 10);

        var result = await ListAsync();

        Assert.That(result, Is.EqualTo(new IpvsadmResult(0, "0\n", "")));
        Assert.That(slow.Connected, Is.True, "the slow one is still waiting for the rest of its request");
    }

    [Test]
    public async Task OversizedRestore_IsRefusedNamingTheLimit_ByTheClient()
    {
        using var server = StartServer();

        var result = await new ControlClient(SocketPath, Patience).SendAsync(new IpvsadmInvocation(["-R"], new string('#', 17_000_000)));

        // 4 bytes of argument count, 4 + 2 of "-R", 4 of stdin's length, then stdin.
        Assert.That(result, Is.EqualTo(new IpvsadmResult(2, "",
            "ipvsadm: a request of 17000014 bytes is over the control socket's limit of 16777216 bytes (16 MiB)\n")));
    }

    [Test]
    public async Task OversizedRestore_ThroughTheAdminCommand_PrintsTheLimit()
    {
        using var server = StartServer();

        var result = await ForwarderClientProcess.RunAsync(new string('#', 17_000_000), "--socket", SocketPath, "-R");

        Assert.That(result, Is.EqualTo(new IpvsadmResult(2, "",
            "ipvsadm: a request of 17000014 bytes is over the control socket's limit of 16777216 bytes (16 MiB)\n")));
    }

    [Test]
    public async Task OversizedHeader_FromAnyClient_IsAnsweredWithTheLimit_NotDropped()
    {
        using var server = StartServer();
        var greedy = await HostileAsync(announced: 17_000_000, sent: 0);

        Assert.That(await AnswerAsync(greedy), Is.EqualTo(new IpvsadmResult(2, "",
            "ipvsadm: a request of 17000000 bytes is over the control socket's limit of 16777216 bytes (16 MiB)\n")));
    }

    [Test]
    public async Task RequestsOverTheMemoryBudget_AreAnsweredBusy_AndTheBudgetComesBack()
    {
        using var server = StartServer(new ControlServerLimits { RequestBudgetBytes = 1024 * 1024 });
        // The first holds 600,000 of the budget's 1 MiB while it waits for its last 10,000 bytes.
        var first = await HostileAsync(announced: 600_000, sent: 590_000);
        var watch = Stopwatch.StartNew();
        while (server.BufferedRequestBytes < 600_000 && watch.Elapsed < Patience)
        {
            await Task.Delay(10);
        }
        Assert.That(server.BufferedRequestBytes, Is.EqualTo(600_000));

        var second = await HostileAsync(announced: 600_000, sent: 600_000);

        Assert.That(await AnswerAsync(second), Is.EqualTo(new IpvsadmResult(2, "",
            "ipvsadm: the director is busy: requests on its control socket already hold the 1048576 bytes it keeps for them; try again\n")));
        first.Dispose();
        watch.Restart();
        while (server.BufferedRequestBytes > 0 && watch.Elapsed < Patience)
        {
            await Task.Delay(10);
        }
        Assert.That(server.BufferedRequestBytes, Is.Zero);
    }

    [Test]
    public async Task Restore_Of110000Lines_StillGoesThrough()
    {
        using var server = StartServer();
        var lines = string.Concat(Enumerable.Range(0, 110_000).Select(i => $"-a -t 10.0.0.1:80 -r 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}:80 -m -w 1\n"));
        Assert.That(lines.Length, Is.GreaterThan(4_000_000));

        var result = await new ControlClient(SocketPath, Patience).SendAsync(new IpvsadmInvocation(["-R"], lines));

        Assert.That(result, Is.EqualTo(new IpvsadmResult(0, $"{lines.Length}\n", "")));
    }
}
