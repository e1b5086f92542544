using System.Text;

namespace Forwarder.CaptureBuilder.Http;

/// <summary>
/// Byte-exact HTTP/1.1 messages of the kind the seed's client and web servers exchanged; the
/// seed trace fixes only their lengths, so each builder checks the length it is asked for.
/// </summary>
public static class HttpMessages
{
    /// <summary>
    /// The request python-requests 2.13 sends for <c>requests.get("http://HOST/")</c>: 144 bytes
    /// for a host like 192.168.1.199, which is exactly the seed's request length.
    /// </summary>
    public static byte[] PythonRequestsGet(string host, int expectedLength) => Exact(PythonRequestsGetText(host), expectedLength);

    /// <summary>The same request, whatever its length (generated scenarios need no trace to match).</summary>
    public static byte[] PythonRequestsGet(string host) => Encoding.ASCII.GetBytes(PythonRequestsGetText(host));

    private static string PythonRequestsGetText(string host) =>
            "GET / HTTP/1.1\r\n" +
            $"Host: {host}\r\n" +
            "User-Agent: python-requests/2.13.0\r\n" +
            "Accept-Encoding: gzip, deflate\r\n" +
            "Accept: */*\r\n" +
            "Connection: keep-alive\r\n" +
            "\r\n";

    /// <summary>
    /// Apache serving a small static page over a kept-alive connection: the server does not
    /// close, so the client's FIN comes first, as in the seed trace.
    /// </summary>
    public static byte[] ApacheStaticPage(DateTimeOffset date, DateTimeOffset lastModified, string body, int expectedLength) =>
        Exact(ApacheStaticPageText(date, lastModified, body), expectedLength);

    /// <summary>The same page, whatever its length (a scenario with no trace to match).</summary>
    public static byte[] ApacheStaticPage(DateTimeOffset date, DateTimeOffset lastModified, string body) =>
        Encoding.ASCII.GetBytes(ApacheStaticPageText(date, lastModified, body));

    private static string ApacheStaticPageText(DateTimeOffset date, DateTimeOffset lastModified, string body)
    {
        var bodyBytes = Encoding.ASCII.GetByteCount(body);
        // Apache's default ETag is "size-mtime" in hex, mtime in microseconds.
        var etag = $"{bodyBytes:x}-{lastModified.ToUnixTimeMilliseconds() * 1000:x}";
        return
            "HTTP/1.1 200 OK\r\n" +
            $"Date: {HttpDate(date)}\r\n" +
            "Server: Apache\r\n" +
            $"Last-Modified: {HttpDate(lastModified)}\r\n" +
            $"ETag: \"{etag}\"\r\n" +
            "Accept-Ranges: bytes\r\n" +
            $"Content-Length: {bodyBytes}\r\n" +
            "Keep-Alive: timeout=15, max=100\r\n" +
            "Connection: Keep-Alive\r\n" +
            "Content-Type: text/html\r\n" +
            "\r\n" +
            body;
    }

    private static string HttpDate(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss 'GMT'", System.Globalization.CultureInfo.InvariantCulture);

    private static byte[] Exact(string message, int expectedLength)
    {
        var bytes = Encoding.ASCII.GetBytes(message);
        if (bytes.Length != expectedLength)
        {
            throw new InvalidOperationException($"HTTP message is {bytes.Length} bytes, the scenario needs {expectedLength}");
        }
        return bytes;
    }
}
