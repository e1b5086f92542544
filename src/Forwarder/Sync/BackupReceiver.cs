using System.Net.Sockets;

namespace Forwarder.Sync;

/// <summary>
/// A backup daemon's reading thread: each datagram, cut to the daemon's sync-maxlen as the kernel's receive buffer cuts
/// it (so an oversized one fails the size check), is copied and handed on. Disposing stops the thread within a fraction
/// of a second.
/// </summary>
internal sealed class BackupReceiver : IDisposable
{
    private readonly Socket _socket;
    private readonly int _maximumLength;
    private readonly Action<byte[]> _hand;
    private readonly Thread _thread;
    private volatile bool _stopping;

    public BackupReceiver(Socket socket, int maximumLength, Action<byte[]> hand)
    {
        _socket = socket;
        _maximumLength = maximumLength;
        _hand = hand;
        _thread = new Thread(Run) { IsBackground = true, Name = "sync backup" };
        _thread.Start();
    }

    private void Run()
    {
        var buffer = new byte[65536];
        while (!_stopping)
        {
            int length;
            try
            {
                length = _socket.Receive(buffer);
            }
            catch (SocketException timedOut) when (timedOut.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock or SocketError.Interrupted)
            {
                continue;
            }
            catch (Exception stopped) when (stopped is ObjectDisposedException or SocketException)
            {
                return;
            }
            _hand(buffer.AsSpan(0, Math.Min(length, _maximumLength)).ToArray());
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _socket.Dispose();
        _thread.Join(TimeSpan.FromSeconds(2));
    }
}
