namespace Forwarder.Keepalived.Configuration;

/// <summary>One <c>url { }</c> of an HTTP_GET or SSL_GET: the path to get, the status codes that pass, the MD5 of the body that must match.</summary>
public sealed class HttpUrlConfig
{
    public string Path { get; set; } = string.Empty;

    /// <summary>Status codes that pass; keepalived's default is 200-299.</summary>
    public HashSet<int> StatusCodes { get; } = [];

    /// <summary>The body's MD5 as 16 bytes, when a digest is given.</summary>
    public byte[]? Digest { get; set; }

    /// <summary>The url's own Host header, over the checker's, the real server's and the virtual server's.</summary>
    public string? VirtualHost { get; set; }
}
