using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Forwarder.Keepalived.Configuration;

namespace Forwarder.Keepalived.Checkers;

/// <summary>
/// HTTP_GET and SSL_GET: for each url, a connection (TLS for SSL_GET, certificates not verified, as keepalived
/// without a CA), keepalived's request (<c>GET path HTTP/1.0</c>, <c>User-Agent: KeepAliveClient</c>, Host), the
/// whole answer read until the server closes; a pass needs a listed status code and, with a digest, the body's MD5.
/// Connecting and then reading are each bounded by connect_timeout; the body is read at most
/// <see cref="MaximumResponseBytes"/>.
/// </summary>
public sealed class HttpHealthCheck : IHealthCheck
{
    public const int MaximumResponseBytes = 16 << 20;

    private const int MaximumHeaderBytes = 64 << 10;

    private readonly HttpCheckConfig _config;

    public HttpHealthCheck(HttpCheckConfig config)
    {
        _config = config;
    }

    public CheckerConfig Config => _config;

    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        var last = CheckResult.Passed();
        foreach (var url in _config.Urls)
        {
            last = await CheckAsync(url, cancellationToken).ConfigureAwait(false);
            if (!last.Up)
            {
                break;
            }
        }
        return last;
    }

    private async Task<CheckResult> CheckAsync(HttpUrlConfig url, CancellationToken cancellationToken)
    {
        using var connection = await CheckerSockets.ConnectAsync(_config, cancellationToken).ConfigureAwait(false);
        switch (connection.Outcome)
        {
            case ConnectOutcome.TimedOut:
                return Failed("Timeout connecting", url);
            case ConnectOutcome.Unreachable:
                return Failed("HTTP/SSL_CHECK - network unreachable", url);
            case ConnectOutcome.Refused:
                return Failed("Error connecting", url);
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_config.ConnectTimeout);
        Stream stream = new NetworkStream(connection.Socket, ownsSocket: false);
        try
        {
            var host = url.VirtualHost ?? _config.VirtualHost;
            if (_config.Tls)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                try
                {
                    await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                    {
                        TargetHost = _config.EnableSni && host is not null ? host : string.Empty,
#pragma warning disable CA5359 // see AcceptAnyCertificate
                        RemoteCertificateValidationCallback = AcceptAnyCertificate,
#pragma warning restore CA5359
                    }, deadline.Token).ConfigureAwait(false);
                }
                catch (Exception failed) when (failed is IOException or System.Security.Authentication.AuthenticationException)
                {
                    return Failed("SSL handshake/communication error connecting to", url);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // As keepalived: a handshake the server never finishes is a connection that timed out.
                    return Failed("Timeout connecting", url);
                }
            }
            try
            {
                await stream.WriteAsync(Request(url, host), deadline.Token).ConfigureAwait(false);
            }
            catch (IOException)
            {
                return Failed("Cannot send get request to", url);
            }
            return await ReadAnswerAsync(stream, url, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(_config.Tls ? "Timeout WEB read" : "Timeout HTTP read", url);
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>keepalived's request template: the Host is the virtual host, else the address and port checked.</summary>
    private byte[] Request(HttpUrlConfig url, string? host)
    {
        var minor = _config.HttpProtocol == "1.1" ? 1 : 0;
        var close = _config.HttpProtocol is "1.0C" or "1.1" ? "Connection: close\r\n" : string.Empty;
        var hostHeader = host ?? ServiceAddress.EndpointOf(_config.Destination.Address, (ushort)_config.Destination.Port);
        return Encoding.ASCII.GetBytes($"GET {url.Path} HTTP/1.{minor}\r\nUser-Agent: KeepAliveClient\r\n{close}Host: {hostHeader}\r\n\r\n");
    }

    private async Task<CheckResult> ReadAnswerAsync(Stream stream, HttpUrlConfig url, CancellationToken cancellationToken)
    {
        var buffer = new byte[16384];
        var header = new MemoryStream();
        // keepalived's digest is MD5 by definition (genhash prints the same): it names content, it protects nothing.
#pragma warning disable CA5351
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
#pragma warning restore CA5351
        var headerDone = false;
        var total = 0L;
        int? status = null;
        while (total < MaximumResponseBytes)
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                return Failed("Read error with", url);
            }
            if (read == 0)
            {
                break;
            }
            total += read;
            if (headerDone)
            {
                digest.AppendData(buffer, 0, read);
                continue;
            }
            header.Write(buffer, 0, read);
            var bytes = header.GetBuffer().AsSpan(0, (int)header.Length);
            var end = bytes.IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                headerDone = true;
                status = StatusOf(bytes[..end]);
                digest.AppendData(bytes[(end + 4)..]);
            }
            else if (header.Length > MaximumHeaderBytes)
            {
                return Failed("Read error with", url);
            }
        }
        if (total == 0)
        {
            return Failed("Read, no data received from ", url);
        }
        status ??= headerDone ? null : StatusOf(header.GetBuffer().AsSpan(0, (int)header.Length));
        if (status is not { } code || !url.StatusCodes.Contains(code))
        {
            return Failed("HTTP status code error to", url);
        }
        if (url.Digest is { } expected)
        {
            if (!digest.GetHashAndReset().AsSpan().SequenceEqual(expected))
            {
                return Failed("MD5 digest error to", url);
            }
            return new CheckResult(true, "MD5 digest") { Path = url.Path };
        }
        return new CheckResult(true, "HTTP status code") { Path = url.Path };
    }

    /// <summary>The status of "HTTP/1.x NNN ...", as keepalived's extract_status_code; null when the line is not one.</summary>
    private static int? StatusOf(ReadOnlySpan<byte> header)
    {
        var lineEnd = header.IndexOf("\r\n"u8);
        var line = lineEnd >= 0 ? header[..lineEnd] : header;
        var space = line.IndexOf((byte)' ');
        if (!line.StartsWith("HTTP/"u8) || space < 0 || line.Length < space + 4)
        {
            return null;
        }
        var digits = line.Slice(space + 1, 3);
        foreach (var digit in digits)
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                return null;
            }
        }
        return (digits[0] - '0') * 100 + (digits[1] - '0') * 10 + (digits[2] - '0');
    }

    /// <summary>
    /// keepalived checks that a server answers, not who it is: without an SSL block's CA it verifies no certificate,
    /// and real servers' certificates name the virtual host, not the address checked.
    /// </summary>
#pragma warning disable CA5359
    private static bool AcceptAnyCertificate(object sender, System.Security.Cryptography.X509Certificates.X509Certificate? certificate,
        System.Security.Cryptography.X509Certificates.X509Chain? chain, SslPolicyErrors errors) => true;
#pragma warning restore CA5359

    private static CheckResult Failed(string phrase, HttpUrlConfig url) => CheckResult.Failed(phrase) with { Path = url.Path };
}
