using System.Net;
using Forwarder.Keepalived.Configuration;

namespace Forwarder.Keepalived.Tests.Checkers;

/// <summary>Checker configurations for a server on the loopback, with short timeouts.</summary>
internal static class CheckerConfigs
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    public static TcpCheckConfig Tcp(IPEndPoint destination) => new() { Destination = destination, ConnectTimeout = Timeout, DelayLoop = Timeout };

    public static HttpCheckConfig Http(IPEndPoint destination, string path = "/", bool tls = false, byte[]? digest = null, params int[] codes)
    {
        var config = new HttpCheckConfig(tls) { Destination = destination, ConnectTimeout = Timeout, DelayLoop = Timeout };
        var url = new HttpUrlConfig { Path = path, Digest = digest };
        foreach (var code in codes.Length == 0 ? Enumerable.Range(200, 100) : codes)
        {
            url.StatusCodes.Add(code);
        }
        config.Urls.Add(url);
        return config;
    }

    /// <summary>A port on 127.0.0.1 that nothing listens on (taken, then let go).</summary>
    public static IPEndPoint ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endPoint = (IPEndPoint)listener.LocalEndpoint;
        listener.Stop();
        return endPoint;
    }
}
