namespace Forwarder.Keepalived.Checkers;

/// <summary>
/// What one run of a checker found. <see cref="Detail"/> is keepalived's phrase for it: the failure ("Error connecting",
/// "timeout", "exited with status") or what passed ("HTTP status code"); <see cref="ExitStatus"/> is a script's.
/// </summary>
public sealed record CheckResult(bool Up, string Detail)
{
    public int? ExitStatus { get; init; }

    /// <summary>A script ended by a signal (not by this director's timeout).</summary>
    public int? Signal { get; init; }

    /// <summary>A script killed at misc_timeout.</summary>
    public bool TimedOut { get; init; }

    /// <summary>The url that passed or failed, for HTTP_GET and SSL_GET.</summary>
    public string? Path { get; init; }

    public static CheckResult Passed(string detail = "") => new(true, detail);

    public static CheckResult Failed(string detail) => new(false, detail);
}
