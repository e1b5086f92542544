using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Forwarder.Keepalived.Tests.Checkers;

/// <summary>
/// An HTTP (or HTTPS) server of the test's own on 127.0.0.1 (or ::1) and an ephemeral port: it answers every connection with
/// <see cref="Response"/> and closes, or holds the connection silent (<see cref="Silent"/>), and keeps the requests it read.
/// </summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly X509Certificate2? _certificate;
    private readonly Task _serving;
    private readonly List<string> _requests = [];

    public LoopbackHttpServer(bool tls = false, IPAddress? address = null)
    {
        _listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        if (tls)
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=web1.example", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            _certificate = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
        }
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    public string Response { get; set; } = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nweb1:127.0.0.1\n";

    public bool Silent { get; set; }

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _serving.Wait(TimeSpan.FromSeconds(5));
        _certificate?.Dispose();
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception failed) when (failed is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => AnswerAsync(client));
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                Stream stream = client.GetStream();
                if (_certificate is not null)
                {
                    var tls = new SslStream(stream);
                    await tls.AuthenticateAsServerAsync(_certificate);
                    stream = tls;
                }
                var request = new StringBuilder();
                var buffer = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }
                    request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }
                lock (_requests)
                {
                    _requests.Add(request.ToString());
                }
                if (Silent)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }
                await stream.WriteAsync(Encoding.ASCII.GetBytes(Response), _stop.Token);
                await stream.FlushAsync(_stop.Token);
                await stream.DisposeAsync();
            }
            catch (Exception failed) when (failed is IOException or OperationCanceledException or SocketException or System.Security.Authentication.AuthenticationException)
            {
                // The checker went away or the test ended.
            }
        }
    }
}
