using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Forwarder.Keepalived.Checkers;

namespace Forwarder.Keepalived.Tests.Checkers;

[TestFixture]
public sealed class TcpHealthCheckTests
{
    [Test]
    public async Task ListeningServer_Passes()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var result = await new TcpHealthCheck(CheckerConfigs.Tcp((IPEndPoint)listener.LocalEndpoint)).RunAsync(CancellationToken.None);

            Assert.That(result.Up, Is.True);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Test]
    public async Task ClosedPort_FailsAtOnce()
    {
        var watch = Stopwatch.StartNew();
        var result = await new TcpHealthCheck(CheckerConfigs.Tcp(CheckerConfigs.ClosedPort())).RunAsync(CancellationToken.None);

        Assert.That((result.Up, result.Detail), Is.EqualTo((false, "failed")));
        Assert.That(watch.Elapsed, Is.LessThan(CheckerConfigs.Timeout), "a refusal is not waited out");
    }

    [Test]
    public async Task ServerThatNeverAccepts_TimesOutAtConnectTimeout()
    {
        // A listener with a one-slot backlog that never accepts: once it is full the kernel drops further SYNs.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var endPoint = (IPEndPoint)listener.LocalEndPoint!;
        var fillers = new List<Socket>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(filler);
                using var quick = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
                try
                {
                    await filler.ConnectAsync(endPoint, quick.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            var watch = Stopwatch.StartNew();
            var result = await new TcpHealthCheck(CheckerConfigs.Tcp(endPoint)).RunAsync(CancellationToken.None);

            Assert.That((result.Up, result.Detail), Is.EqualTo((false, "timeout")));
            Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9)).And.LessThan(TimeSpan.FromSeconds(3)), "bounded by connect_timeout");
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
        }
    }
}
