using System.Security.Cryptography;
using System.Text;
using Forwarder.Keepalived.Checkers;

namespace Forwarder.Keepalived.Tests.Checkers;

[TestFixture]
public sealed class HttpHealthCheckTests
{
    [Test]
    public async Task PassingStatus_Passes_WithKeepalivedsRequest()
    {
        using var server = new LoopbackHttpServer();

        var result = await new HttpHealthCheck(CheckerConfigs.Http(server.EndPoint, "/health")).RunAsync(CancellationToken.None);

        Assert.That((result.Up, result.Detail, result.Path), Is.EqualTo((true, "HTTP status code", "/health")));
        Assert.That(server.Requests.Single(), Is.EqualTo($"GET /health HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 127.0.0.1:{server.EndPoint.Port}\r\n\r\n"));
    }

    [Test]
    public async Task VirtualHost_IsTheHostHeader()
    {
        using var server = new LoopbackHttpServer();
        var config = CheckerConfigs.Http(server.EndPoint);
        config.VirtualHost = "www.example.org";
        config.HttpProtocol = "1.1";

        await new HttpHealthCheck(config).RunAsync(CancellationToken.None);

        Assert.That(server.Requests.Single(), Is.EqualTo("GET / HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: www.example.org\r\n\r\n"));
    }

    [Test]
    public async Task StatusNotListed_Fails()
    {
        using var server = new LoopbackHttpServer { Response = "HTTP/1.1 503 Service Unavailable\r\n\r\nbusy" };

        var result = await new HttpHealthCheck(CheckerConfigs.Http(server.EndPoint)).RunAsync(CancellationToken.None);

        Assert.That((result.Up, result.Detail), Is.EqualTo((false, "HTTP status code error to")));
    }

    [Test]
    public async Task ListedStatus_OutsideTheDefaults_Passes()
    {
        using var server = new LoopbackHttpServer { Response = "HTTP/1.1 301 Moved\r\nLocation: /x\r\n\r\n" };

        var result = await new HttpHealthCheck(CheckerConfigs.Http(server.EndPoint, codes: [200, 301])).RunAsync(CancellationToken.None);

        Assert.That(result.Up, Is.True);
    }

    [Test]
    public async Task Digest_MatchesTheBodysMd5_AndAnotherBodyFails()
    {
        using var server = new LoopbackHttpServer();
#pragma warning disable CA5351 // the digest keepalived defines
        var digest = MD5.HashData(Encoding.ASCII.GetBytes("web1:127.0.0.1\n"));
#pragma warning restore CA5351

        var matched = await new HttpHealthCheck(CheckerConfigs.Http(server.EndPoint, digest: digest)).RunAsync(CancellationToken.None);
        server.Response = "HTTP/1.0 200 OK\r\n\r\nweb1 is broken\n";
        var mismatched = await new HttpHealthCheck(CheckerConfigs.Http(server.EndPoint, digest: digest)).RunAsync(CancellationToken.None);

        Assert.That((matched.Up, matched.Detail), Is.EqualTo((true, "MD5 digest")));
        Assert.That((mismatched.Up, mismatched.Detail), Is.EqualTo((false, "MD5 digest error to")));
    }

    [Test]
    public async Task ClosedPort_IsAnErrorConnecting()
    {
        var result = await new HttpHealthCheck(CheckerConfigs.Http(CheckerConfigs.ClosedPort())).RunAsync(CancellationToken.None);

        Assert.That((result.Up, result.Detail), Is.EqualTo((false, "Error connecting")));
    }

    [Test]
    public async Task ServerThatNeverAnswers_TimesOutWithinConnectTimeout()
    {
        using var server = new LoopbackHttpServer { Silent = true };
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var result = await new HttpHealthCheck(CheckerConfigs.Http(server.EndPoint)).RunAsync(CancellationToken.None);

        Assert.That((result.Up, result.Detail), Is.EqualTo((false, "Timeout HTTP read")));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)));
    }

    [Test]
    public async Task EmptyAnswer_IsNoDataReceived()
    {
        using var server = new LoopbackHttpServer { Response = string.Empty };

        var result = await new HttpHealthCheck(CheckerConfigs.Http(server.EndPoint)).RunAsync(CancellationToken.None);

        Assert.That((result.Up, result.Detail), Is.EqualTo((false, "Read, no data received from ")));
    }

    [Test]
    public async Task SslGet_PassesOverTls_WithoutVerifyingTheCertificate()
    {
        using var server = new LoopbackHttpServer(tls: true);
        var config = CheckerConfigs.Http(server.EndPoint, tls: true);
        // The process's first TLS handshake loads OpenSSL: on a busy machine that alone can take a second.
        config.ConnectTimeout = TimeSpan.FromSeconds(10);

        var result = await new HttpHealthCheck(config).RunAsync(CancellationToken.None);

        Assert.That(result.Up, Is.True, result.Detail);
        Assert.That(server.Requests.Single(), Does.StartWith("GET / HTTP/1.0\r\n"));
    }

    [Test]
    public async Task SslGet_AgainstAServerThatNeverShakesHands_TimesOutConnecting()
    {
        using var server = new LoopbackHttpServer();

        var result = await new HttpHealthCheck(CheckerConfigs.Http(server.EndPoint, tls: true)).RunAsync(CancellationToken.None);

        Assert.That((result.Up, result.Detail), Is.EqualTo((false, "Timeout connecting")));
    }

    [Test]
    public async Task SslGet_AgainstAServerAnsweringInPlainText_IsAHandshakeError()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var answering = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.0 400 Bad Request\r\n\r\nnot TLS at all, not TLS at all\n"));
            await Task.Delay(500);
        });

        var result = await new HttpHealthCheck(CheckerConfigs.Http((System.Net.IPEndPoint)listener.LocalEndpoint, tls: true)).RunAsync(CancellationToken.None);

        Assert.That((result.Up, result.Detail), Is.EqualTo((false, "SSL handshake/communication error connecting to")));
        await answering;
    }
}
