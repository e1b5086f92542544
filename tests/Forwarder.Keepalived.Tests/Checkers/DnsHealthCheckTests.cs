using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Forwarder.Keepalived.Checkers;
using Forwarder.Keepalived.Configuration;

namespace Forwarder.Keepalived.Tests.Checkers;

[TestFixture]
public sealed class DnsHealthCheckTests
{
    [Test]
    public async Task AnswerWithTheQuerysId_Passes_AndTheQueryIsKeepalivedsSoaForTheRoot()
    {
        using var server = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        byte[]? query = null;
        var answering = Task.Run(async () =>
        {
            var received = await server.ReceiveAsync();
            query = received.Buffer;
            var answer = (byte[])received.Buffer.Clone();
            BinaryPrimitives.WriteUInt16BigEndian(answer.AsSpan(2), 0x8180);
            await server.SendAsync(answer, received.RemoteEndPoint);
        });

        var result = await new DnsHealthCheck(Config(server)).RunAsync(CancellationToken.None);
        await answering;

        Assert.That(result.Up, Is.True, result.Detail);
        Assert.That(query!.AsSpan(2, 4).ToArray(), Is.EqualTo(new byte[] { 0x01, 0x00, 0x00, 0x01 }), "recursion desired, one question");
        Assert.That(query.AsSpan(12).ToArray(), Is.EqualTo(new byte[] { 0, 0, 6, 0, 1 }), "the root, SOA, IN");
    }

    [Test]
    public async Task ErrorCode_Fails_WithKeepalivedsWords()
    {
        using var server = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var answering = Task.Run(async () =>
        {
            var received = await server.ReceiveAsync();
            var answer = (byte[])received.Buffer.Clone();
            BinaryPrimitives.WriteUInt16BigEndian(answer.AsSpan(2), 0x8182);
            await server.SendAsync(answer, received.RemoteEndPoint);
        });

        var result = await new DnsHealthCheck(Config(server)).RunAsync(CancellationToken.None);
        await answering;

        Assert.That((result.Up, result.Detail), Is.EqualTo((false, "read error occurred. (rcode = 2)")));
    }

    [Test]
    public async Task NoAnswer_TimesOut()
    {
        using var server = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        var result = await new DnsHealthCheck(Config(server)).RunAsync(CancellationToken.None);

        Assert.That((result.Up, result.Detail), Is.EqualTo((false, "read timeout from socket")));
    }

    private static DnsCheckConfig Config(UdpClient server) => new()
    {
        Destination = (IPEndPoint)server.Client.LocalEndPoint!,
        ConnectTimeout = TimeSpan.FromSeconds(1),
    };
}
