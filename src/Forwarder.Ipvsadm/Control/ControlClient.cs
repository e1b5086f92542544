using System.Net.Sockets;
using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Ipvsadm.Control;

/// <summary>
/// The admin side of the control socket: sends one ipvsadm request to the director and returns its response.
/// When the director cannot be reached the result says so on stderr with exit status 2, the status ipvsadm
/// itself ends with when it cannot reach IPVS (<c>fail(2, "Can't initialize ipvs: ...")</c> in main).
/// </summary>
public sealed class ControlClient
{
    /// <summary>How long to wait for the director's answer; a -R of a large table runs on the engine's thread.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private readonly TimeSpan _timeout;

    public ControlClient(string socketPath, TimeSpan? timeout = null)
    {
        SocketPath = socketPath;
        _timeout = timeout ?? DefaultTimeout;
    }

    public string SocketPath { get; }

    public IpvsadmResult Send(IpvsadmInvocation invocation) => SendAsync(invocation).GetAwaiter().GetResult();

    public async Task<IpvsadmResult> SendAsync(IpvsadmInvocation invocation, CancellationToken cancellationToken = default)
    {
        UnixDomainSocketEndPoint endPoint;
        byte[] request;
        try
        {
            endPoint = ControlSocketPath.EndPoint(SocketPath);
            // Encoded before connecting, so a request over the limit bothers no director.
            request = ControlFraming.EncodeRequest(invocation);
        }
        catch (Exception unusable) when (unusable is ArgumentException or ControlRequestRefusedException)
        {
            return Unreachable(ControlClientMessages.Unusable(unusable.Message));
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException refused)
        {
            return Unreachable(WhyNotConnected(refused.SocketErrorCode));
        }
        if (UntrustedListener(socket) is { } untrusted)
        {
            return Unreachable(untrusted);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        var stream = new NetworkStream(socket, ownsSocket: false);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                try
                {
                    await ControlFraming.WriteFrameAsync(stream, request, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception cut) when (cut is IOException or SocketException)
                {
                    // The director may have answered without reading it all (busy, refused): its answer is still there.
                }
                return await ControlFraming.ReadResponseAsync(stream, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Unreachable(ControlClientMessages.TimedOut(SocketPath, _timeout));
            }
            catch (Exception lost) when (lost is IOException or SocketException or ControlProtocolException)
            {
                return Unreachable(ControlClientMessages.NoAnswer(SocketPath));
            }
        }
    }

    /// <summary>
    /// Who listens, as the kernel recorded at its listen() (SO_PEERCRED on our connected socket): only root or our
    /// own user may be the director, as only they may be its clients. Checked before a byte is sent.
    /// </summary>
    private string? UntrustedListener(Socket socket)
    {
        var ownUserId = PeerCredentials.OfThisProcess().UserId;
        uint listenerUserId;
        try
        {
            listenerUserId = PeerCredentials.Of(socket).UserId;
        }
        catch (SocketException)
        {
            return ControlClientMessages.NoAnswer(SocketPath);
        }
        return listenerUserId == 0 || listenerUserId == ownUserId
            ? null
            : ControlClientMessages.UntrustedListener(SocketPath, listenerUserId, ownUserId);
    }

    /// <summary>
    /// As Linux's unix_stream_connect fails: a path with nothing at it is ENOENT, a socket file whose listener is
    /// gone is ECONNREFUSED, and a live listener whose backlog is full is EAGAIN for a non-blocking connect
    /// (which .NET's is), so only the last means the director is there but cannot take us yet.
    /// </summary>
    private string WhyNotConnected(SocketError error) => error switch
    {
        SocketError.AccessDenied => ControlClientMessages.PermissionDenied(SocketPath),
        SocketError.WouldBlock or SocketError.TryAgain => ControlClientMessages.Busy(SocketPath),
        _ when !File.Exists(SocketPath) => ControlClientMessages.NotRunning(SocketPath),
        _ => ControlClientMessages.Stale(SocketPath),
    };

    private static IpvsadmResult Unreachable(string message) => IpvsadmResult.Failure(IpvsadmExitCodes.Usage, message);
}
