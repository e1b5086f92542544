namespace Forwarder.Keepalived.Configuration;

/// <summary>HTTP_GET and SSL_GET: every url answers with a passing status (and digest) over HTTP or TLS.</summary>
public sealed class HttpCheckConfig : CheckerConfig
{
    public HttpCheckConfig(bool tls)
    {
        Tls = tls;
    }

    public override string Kind => Tls ? "SSL_GET" : "HTTP_GET";

    public bool Tls { get; }

    public List<HttpUrlConfig> Urls { get; } = [];

    /// <summary>The Host header when the url sets none (checker, else real server, else virtual server); null: the address and port.</summary>
    public string? VirtualHost { get; set; }

    /// <summary><c>http_protocol</c>: 1.0 (keepalived's default), 1.0C (1.0 with Connection: close) or 1.1 (with Connection: close).</summary>
    public string HttpProtocol { get; set; } = "1.0";

    /// <summary><c>enable_sni</c>: SSL_GET names the virtual host in its TLS hello.</summary>
    public bool EnableSni { get; set; }

    internal override int DefaultRetry => 1;

    internal override TimeSpan? DefaultDelayBeforeRetry => TimeSpan.FromSeconds(3);
}
