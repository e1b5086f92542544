using System.Net;
using System.Net.Sockets;

namespace Forwarder.Tests.Monitoring;

/// <summary>A TCP port on 127.0.0.1 that was free a moment ago: the kernel's choice for a port-0 bind, released at once.</summary>
internal static class LoopbackPort
{
    public static int Free()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
