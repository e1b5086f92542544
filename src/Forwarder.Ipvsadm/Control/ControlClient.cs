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
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException refused)
        {
            return Unreachable(refused.SocketErrorCode == SocketError.AccessDenied
                ? $"ipvsadm: cannot reach the director at {SocketPath}: permission denied (you must be root or the director's user)\n"
                : $"ipvsadm: cannot reach the director at {SocketPath} (is it running?)\n");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        var stream = new NetworkStream(socket, ownsSocket: false);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                await ControlFraming.WriteRequestAsync(stream, invocation, timeout.Token).ConfigureAwait(false);
                return await ControlFraming.ReadResponseAsync(stream, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Unreachable($"ipvsadm: the director at {SocketPath} did not answer within {_timeout.TotalSeconds:0} s\n");
            }
            catch (Exception lost) when (lost is IOException or SocketException or ControlProtocolException)
            {
                return Unreachable($"ipvsadm: the director at {SocketPath} closed the connection without answering\n");
            }
        }
    }

    private static IpvsadmResult Unreachable(string message) => IpvsadmResult.Failure(IpvsadmExitCodes.Usage, message);
}
