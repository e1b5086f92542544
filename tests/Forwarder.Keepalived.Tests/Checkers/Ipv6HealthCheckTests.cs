using System.Net;
using System.Net.Sockets;
using Forwarder.Keepalived.Checkers;

namespace Forwarder.Keepalived.Tests.Checkers;

/// <summary>The checkers against real servers on ::1: real sockets of the IPv6 family, keepalived's IPv6 Host header.</summary>
[TestFixture]
public sealed class Ipv6HealthCheckTests
{
    [SetUp]
    public void RequireIpv6Loopback()
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        }
        catch (SocketException unavailable)
        {
            Assert.Ignore($"no IPv6 loopback here ({unavailable.SocketErrorCode})");
        }
    }

    [Test]
    public async Task TcpCheck_ToAListenerOnIpv6Loopback_Passes_AndToAClosedPort_Fails()
    {
        var listener = new TcpListener(IPAddress.IPv6Loopback, 0);
        listener.Start();
        var endPoint = (IPEndPoint)listener.LocalEndpoint;
        try
        {
            var up = await new TcpHealthCheck(CheckerConfigs.Tcp(endPoint)).RunAsync(CancellationToken.None);
            Assert.That(up.Up, Is.True, up.Detail);
        }
        finally
        {
            listener.Stop();
        }

        var down = await new TcpHealthCheck(CheckerConfigs.Tcp(endPoint)).RunAsync(CancellationToken.None);
        Assert.That((down.Up, down.Detail), Is.EqualTo((false, "failed")));
    }

    [Test]
    public async Task TcpCheck_BoundToIpv6Loopback_ConnectsFromIt()
    {
        var listener = new TcpListener(IPAddress.IPv6Loopback, 0);
        listener.Start();
        try
        {
            var config = CheckerConfigs.Tcp((IPEndPoint)listener.LocalEndpoint);
            config.BindTo = new IPEndPoint(IPAddress.IPv6Loopback, 0);
            var accepting = listener.AcceptSocketAsync();

            var result = await new TcpHealthCheck(config).RunAsync(CancellationToken.None);

            Assert.That(result.Up, Is.True, result.Detail);
            using var accepted = await accepting.WaitAsync(CheckerConfigs.Timeout);
            Assert.That(((IPEndPoint)accepted.RemoteEndPoint!).Address, Is.EqualTo(IPAddress.IPv6Loopback));
        }
        finally
        {
            listener.Stop();
        }
    }

    [Test]
    public async Task HttpGet_ToAServerOnIpv6Loopback_Passes_WithTheAddressInBracketsAsHost()
    {
        using var server = new LoopbackHttpServer(address: IPAddress.IPv6Loopback);

        var result = await new HttpHealthCheck(CheckerConfigs.Http(server.EndPoint, "/health")).RunAsync(CancellationToken.None);

        Assert.That((result.Up, result.Detail), Is.EqualTo((true, "HTTP status code")));
        Assert.That(server.Requests.Single(), Is.EqualTo($"GET /health HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: [::1]:{server.EndPoint.Port}\r\n\r\n"));
    }
}
