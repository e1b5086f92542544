using System.Collections.Concurrent;
using System.Net.Sockets;
using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Ipvsadm.Control;

/// <summary>
/// The director's end of the control socket: a Unix-domain stream socket (mode 0600) on which each connection
/// carries one ipvsadm request and gets one response (<see cref="ControlFraming"/>). Requests from anyone but
/// root or the director's own user are refused. Each accepted request goes to the handler, which decides on
/// which thread it runs: a director passes <see cref="EngineCommandQueue.SubmitAsync"/> so it runs on the engine's.
/// What clients may hold is bounded (<see cref="ControlServerLimits"/>): connections beyond the cap, requests over
/// the size limit and requests the memory budget cannot take are answered at once with the reason, not dropped.
/// </summary>
public sealed class ControlServer : IDisposable
{
    /// <summary>How long a client may take to send its request, or to take its answer, before it is dropped.</summary>
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a connection over the cap gets to take its "busy" answer.</summary>
    private static readonly TimeSpan BusyAnswerTimeout = TimeSpan.FromSeconds(2);

    private readonly Func<IpvsadmInvocation, CancellationToken, Task<IpvsadmResult>> _handler;
    private readonly Func<PeerCredentials, bool> _authorize;
    private readonly uint _ownUserId;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, bool> _connections = new();
    private readonly ControlServerLimits _limits;
    private readonly SemaphoreSlim _connectionSlots;
    private readonly RequestByteBudget _budget;
    private Socket? _listener;
    private Task? _acceptLoop;

    /// <param name="socketPath">Where to listen (<see cref="ControlSocketPath.Default"/> for the director).</param>
    /// <param name="handler">Runs one request; called on a pool thread, once per connection.</param>
    /// <param name="authorize">Who may send commands; by default root and the user the server runs as.</param>
    /// <param name="limits">What clients may hold at once; <see cref="ControlServerLimits.Default"/> unless a test says.</param>
    public ControlServer(string socketPath, Func<IpvsadmInvocation, CancellationToken, Task<IpvsadmResult>> handler,
        Func<PeerCredentials, bool>? authorize = null, ControlServerLimits? limits = null)
    {
        _limits = limits ?? ControlServerLimits.Default;
        _connectionSlots = new SemaphoreSlim(_limits.MaximumConnections, _limits.MaximumConnections);
        _budget = new RequestByteBudget(_limits.RequestBudgetBytes);
        SocketPath = socketPath;
        _handler = handler;
        _ownUserId = PeerCredentials.OfThisProcess().UserId;
        _authorize = authorize ?? (peer => peer.UserId == 0 || peer.UserId == _ownUserId);
    }

    public string SocketPath { get; }

    /// <summary>Request bytes the open connections hold right now, out of <see cref="ControlServerLimits.RequestBudgetBytes"/>.</summary>
    public long BufferedRequestBytes => _budget.ReservedBytes;

    /// <summary>
    /// Creates the socket's directory, replaces a stale socket file (one nobody listens on), binds, restricts
    /// the file to its owner and starts accepting. Throws <see cref="IOException"/> when another director
    /// already listens there or the path is taken by something that is not a socket, and
    /// <see cref="ArgumentException"/> when the path is too long for a Unix socket.
    /// </summary>
    public void Start()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the control socket needs Linux (SO_PEERCRED)");
        }
        if (_listener is not null)
        {
            throw new InvalidOperationException("the control server is already started");
        }
        var endPoint = ControlSocketPath.EndPoint(SocketPath);
        var directory = Path.GetDirectoryName(Path.GetFullPath(SocketPath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        RemoveStaleSocket(endPoint);

        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(endPoint);
            // Before listen(), so no connection can arrive while the file is still open to others.
            File.SetUnixFileMode(SocketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            listener.Listen(backlog: 16);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        _listener = listener;
        _acceptLoop = Task.Run(() => AcceptLoopAsync(listener, _stopping.Token));
    }

    /// <summary>Stops accepting, waits briefly for requests in flight, and removes the socket file.</summary>
    public void Dispose()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        _stopping.Cancel();
        if (_listener is { } listener)
        {
            listener.Dispose();
            try
            {
                Task.WaitAll([_acceptLoop!, .. _connections.Keys], TimeSpan.FromSeconds(2));
            }
            catch (AggregateException)
            {
                // Connections end with the listener; how each ended is no longer anyone's concern.
            }
            File.Delete(SocketPath);
        }
        // The slots are left undisposed: a connection outliving the wait above still gives its slot back.
        _stopping.Dispose();
    }

    private void RemoveStaleSocket(UnixDomainSocketEndPoint endPoint)
    {
        var existing = new FileInfo(SocketPath);
        if (Directory.Exists(SocketPath) || (existing.Exists && existing.Length > 0))
        {
            throw new IOException($"{SocketPath} exists and is not a control socket; not replacing it");
        }
        if (!existing.Exists)
        {
            return;
        }
        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(endPoint);
                throw new IOException($"a director is already listening at {SocketPath}");
            }
            catch (SocketException)
            {
                // Nobody answers: the file was left behind by a director that is gone.
            }
        }
        File.Delete(SocketPath);
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception ended) when (ended is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            // Over the cap a connection is answered at once, without reading its request, and closed.
            var connection = _connectionSlots.Wait(0, CancellationToken.None) ? ServeInSlotAsync(client, stopping) : AnswerBusyAsync(client);
            _connections.TryAdd(connection, true);
            _ = connection.ContinueWith(done => _connections.TryRemove(done, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeInSlotAsync(Socket client, CancellationToken stopping)
    {
        try
        {
            await ServeAsync(client, stopping).ConfigureAwait(false);
        }
        finally
        {
            _connectionSlots.Release();
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stopping)
    {
        using (client)
        {
            var stream = new NetworkStream(client, ownsSocket: false);
            await using (stream.ConfigureAwait(false))
            {
                try
                {
                    var peer = PeerCredentials.Of(client);
                    // Nothing is read from a peer that may not send commands: its answer is already known.
                    var result = _authorize(peer) ? await RunAsync(stream, stopping).ConfigureAwait(false) : Refusal(peer);
                    using var writing = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                    writing.CancelAfter(ClientTimeout);
                    await ControlFraming.WriteResponseAsync(stream, result, writing.Token).ConfigureAwait(false);
                }
                catch (Exception dropped) when (dropped is IOException or SocketException or ControlProtocolException or OperationCanceledException)
                {
                    // A client that went away or spoke garbage gets nothing; the director carries on.
                }
            }
        }
    }

    /// <summary>Reads the request as it arrives and runs it, or says why it was refused: too large, or no memory left for it.</summary>
    private async Task<IpvsadmResult> RunAsync(NetworkStream stream, CancellationToken stopping)
    {
        IpvsadmInvocation request;
        using (var reading = CancellationTokenSource.CreateLinkedTokenSource(stopping))
        {
            reading.CancelAfter(ClientTimeout);
            try
            {
                request = await ControlFraming.ReadRequestAsync(stream, _budget, reading.Token).ConfigureAwait(false);
            }
            catch (ControlRequestRefusedException refused)
            {
                return IpvsadmResult.Failure(IpvsadmExitCodes.Usage, $"ipvsadm: {refused.Message}\n");
            }
        }
        return await _handler(request, stopping).ConfigureAwait(false);
    }

    private async Task AnswerBusyAsync(Socket client)
    {
        using (client)
        {
            var stream = new NetworkStream(client, ownsSocket: false);
            await using (stream.ConfigureAwait(false))
            {
                try
                {
                    using var writing = new CancellationTokenSource(BusyAnswerTimeout);
                    await ControlFraming.WriteResponseAsync(stream, Busy(), writing.Token).ConfigureAwait(false);
                }
                catch (Exception dropped) when (dropped is IOException or SocketException or OperationCanceledException)
                {
                    // It went away or would not read: it was getting nothing else anyway.
                }
            }
        }
    }

    private IpvsadmResult Busy() => IpvsadmResult.Failure(IpvsadmExitCodes.Usage,
        $"ipvsadm: the director at {SocketPath} is busy: it serves at most {_limits.MaximumConnections} control connections at once; try again\n");

    /// <summary>As ipvsadm run by a user who may not touch IPVS, which cannot initialise and fails with status 2.</summary>
    private IpvsadmResult Refusal(PeerCredentials peer) => IpvsadmResult.Failure(IpvsadmExitCodes.Usage,
        $"ipvsadm: permission denied: the director at {SocketPath} takes commands only from root and uid {_ownUserId}, not uid {peer.UserId}\n");
}
