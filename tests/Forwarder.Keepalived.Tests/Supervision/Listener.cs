using System.Net;
using System.Net.Sockets;

namespace Forwarder.Keepalived.Tests.Supervision;

/// <summary>A TCP listener of the test's own on 127.0.0.1 (or ::1) that can be stopped and started again on the same port: a real server going down and up.</summary>
internal sealed class Listener : IDisposable
{
    private readonly IPAddress _address;
    private Socket? _socket;

    public Listener(IPAddress? address = null)
    {
        _address = address ?? IPAddress.Loopback;
        Start(0);
    }

    public int Port { get; private set; }

    public string Name => $"[{_address}]:tcp:{Port}";

    public void Stop()
    {
        _socket?.Dispose();
        _socket = null;
    }

    public void Restart() => Start(Port);

    public void Dispose() => Stop();

    private void Start(int port)
    {
        var socket = new Socket(_address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(_address, port));
        socket.Listen(128);
        _socket = socket;
        Port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        _ = Task.Run(() => AcceptAsync(socket));
    }

    /// <summary>Takes every connection and closes it, so the backlog never fills however often the checkers come.</summary>
    private static async Task AcceptAsync(Socket socket)
    {
        while (true)
        {
            try
            {
                using var accepted = await socket.AcceptAsync();
            }
            catch (Exception failed) when (failed is SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }
}
