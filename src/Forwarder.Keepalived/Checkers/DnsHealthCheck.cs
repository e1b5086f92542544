using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Forwarder.Keepalived.Configuration;

namespace Forwarder.Keepalived.Checkers;

/// <summary>
/// DNS_CHECK: one query (recursion desired, class IN, keepalived's default SOA for the root) over UDP to the real
/// server; an answer with the query's id, the response bit and no error code within connect_timeout is a pass.
/// Datagrams that are not that answer are read past, as keepalived does, until the time is up.
/// </summary>
public sealed class DnsHealthCheck : IHealthCheck
{
    private readonly DnsCheckConfig _config;

    public DnsHealthCheck(DnsCheckConfig config)
    {
        _config = config;
    }

    public CheckerConfig Config => _config;

    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        using var socket = new Socket(_config.Destination.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        var id = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_config.ConnectTimeout);
        try
        {
            if (_config.BindTo is { } local)
            {
                socket.Bind(local);
            }
            await socket.ConnectAsync(_config.Destination, deadline.Token).ConfigureAwait(false);
            await socket.SendAsync(Query(id), SocketFlags.None, deadline.Token).ConfigureAwait(false);
            var answer = new byte[4096];
            while (true)
            {
                var length = await socket.ReceiveAsync(answer, SocketFlags.None, deadline.Token).ConfigureAwait(false);
                if (length < 12 || BinaryPrimitives.ReadUInt16BigEndian(answer) != id)
                {
                    continue;
                }
                var flags = BinaryPrimitives.ReadUInt16BigEndian(answer.AsSpan(2));
                if ((flags & 0x8000) == 0)
                {
                    continue;
                }
                var rcode = flags & 0x000f;
                return rcode == 0 ? CheckResult.Passed() : CheckResult.Failed($"read error occurred. (rcode = {rcode})");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return CheckResult.Failed("read timeout from socket");
        }
        catch (SocketException failed) when (failed.SocketErrorCode is SocketError.NetworkUnreachable or SocketError.HostUnreachable)
        {
            return CheckResult.Failed($"network unreachable for {_config.Destination}");
        }
        catch (SocketException failed)
        {
            return CheckResult.Failed($"failed to read socket; errno {failed.NativeErrorCode} ({failed.Message})");
        }
    }

    /// <summary>keepalived's dns_make_query: header with RD, one question, the name's labels, type, class IN.</summary>
    private byte[] Query(ushort id)
    {
        var question = new List<byte>();
        foreach (var label in _config.Name.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bytes = Encoding.ASCII.GetBytes(label);
            question.Add((byte)Math.Min(bytes.Length, 63));
            question.AddRange(bytes.Take(63));
        }
        question.Add(0);
        var query = new byte[12 + question.Count + 4];
        BinaryPrimitives.WriteUInt16BigEndian(query, id);
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(2), 0x0100);
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(4), 1);
        question.CopyTo(query, 12);
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(12 + question.Count), _config.QueryType);
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(12 + question.Count + 2), 1);
        return query;
    }
}
