using System.Net;

namespace Forwarder.Keepalived.Configuration;

/// <summary>
/// What every checker has, resolved as keepalived resolves it: a value set in the checker, else in its real server,
/// else in its virtual server, else the checker type's default.
/// </summary>
public abstract class CheckerConfig
{
    /// <summary>The checker's keyword: TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK, DNS_CHECK.</summary>
    public abstract string Kind { get; }

    public ConfigPosition Position { get; set; }

    public TimeSpan DelayLoop { get; set; }

    /// <summary>Retries after a first failure before the server is taken down (keepalived's <c>retry</c>).</summary>
    public int Retry { get; set; }

    public TimeSpan DelayBeforeRetry { get; set; }

    /// <summary>The first check waits a random time up to this, so that many checkers do not start together.</summary>
    public TimeSpan Warmup { get; set; }

    /// <summary>Whether the server starts as down until this checker's first success.</summary>
    public bool Alpha { get; set; }

    /// <summary>Read, and always in effect here: every failed attempt while the server is up is logged, as keepalived's log_all_failures does.</summary>
    public bool LogAllFailures { get; set; }

    /// <summary>Where connections go: <c>connect_ip</c>/<c>connect_port</c>, by default the real server's own (unused by MISC_CHECK).</summary>
    public IPEndPoint Destination { get; set; } = new(IPAddress.Any, 0);

    /// <summary><c>bindto</c>/<c>bind_port</c>: the local end of the checker's connections, when set.</summary>
    public IPEndPoint? BindTo { get; set; }

    public TimeSpan ConnectTimeout { get; set; }

    // Values as written, before the real and virtual server's are taken in (null: not set in the checker).
    internal TimeSpan? DelayLoopSet { get; set; }

    internal int? RetrySet { get; set; }

    internal TimeSpan? DelayBeforeRetrySet { get; set; }

    internal TimeSpan? WarmupSet { get; set; }

    internal bool? AlphaSet { get; set; }

    internal TimeSpan? ConnectTimeoutSet { get; set; }

    internal IPAddress? ConnectIp { get; set; }

    internal ushort? ConnectPort { get; set; }

    internal IPAddress? BindIp { get; set; }

    internal ushort? BindPort { get; set; }

    /// <summary>The checker type's own retry default (TCP/HTTP 1, MISC 0, DNS 3).</summary>
    internal abstract int DefaultRetry { get; }

    /// <summary>The type's default delay before a retry; null: delay_loop (DNS).</summary>
    internal abstract TimeSpan? DefaultDelayBeforeRetry { get; }
}
