using System.Net.Sockets;
using Forwarder.Keepalived.Configuration;

namespace Forwarder.Keepalived.Checkers;

/// <summary>A checker's TCP connection: bound to bindto when set, given up at connect_timeout.</summary>
public sealed class CheckerSockets : IDisposable
{
    private CheckerSockets(Socket socket, ConnectOutcome outcome)
    {
        Socket = socket;
        Outcome = outcome;
    }

    public Socket Socket { get; }

    public ConnectOutcome Outcome { get; }

    public static async Task<CheckerSockets> ConnectAsync(CheckerConfig config, CancellationToken cancellationToken)
    {
        var socket = new Socket(config.Destination.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (config.BindTo is { } local)
            {
                socket.Bind(local);
            }
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(config.ConnectTimeout);
            await socket.ConnectAsync(config.Destination, deadline.Token).ConfigureAwait(false);
            return new CheckerSockets(socket, ConnectOutcome.Connected);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new CheckerSockets(socket, ConnectOutcome.TimedOut);
        }
        catch (SocketException failed)
        {
            var outcome = failed.SocketErrorCode switch
            {
                SocketError.TimedOut => ConnectOutcome.TimedOut,
                SocketError.NetworkUnreachable or SocketError.HostUnreachable => ConnectOutcome.Unreachable,
                _ => ConnectOutcome.Refused,
            };
            return new CheckerSockets(socket, outcome);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => Socket.Dispose();
}
