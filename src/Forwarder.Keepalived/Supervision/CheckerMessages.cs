using Forwarder.Keepalived.Checkers;
using Forwarder.Keepalived.Configuration;

namespace Forwarder.Keepalived.Supervision;

/// <summary>keepalived's log lines for a checker's attempts and verdicts, per checker type (check_tcp.c, check_http.c, check_misc.c, check_dns.c).</summary>
internal static class CheckerMessages
{
    /// <summary>One failed attempt while the server is still up (keepalived's log_all_failures lines).</summary>
    public static string AttemptFailed(CheckerConfig checker, CheckResult result, string rs, string vs, int retryCount) => checker switch
    {
        TcpCheckConfig => $"TCP connection to {rs} {(result.Detail == "timeout" ? "timeout" : "failed")}.",
        HttpCheckConfig => $"{result.Detail} server {rs}.",
        DnsCheckConfig => $"DNS_CHECK ({rs}) {result.Detail}",
        MiscCheckConfig misc => Misc(misc, result, rs, vs, RetryNote(misc.Retry, retryCount)),
        _ => $"{checker.Kind} on service {rs} failed.",
    };

    /// <summary>The failure that takes the server down, after its retries.</summary>
    public static string Failed(CheckerConfig checker, CheckResult result, string rs, string vs, bool hasRun)
    {
        var afterRetries = hasRun && checker.Retry > 0;
        return checker switch
        {
            TcpCheckConfig => afterRetries ? $"TCP_CHECK on service {rs} failed after {checker.Retry} retries." : $"TCP_CHECK on service {rs} failed.",
            HttpCheckConfig http => afterRetries
                ? $"{(http.Tls ? "SSL" : "HTTP")}_CHECK on service {rs} failed after {checker.Retry} retries."
                : $"{(http.Tls ? "SSL" : "HTTP")}_CHECK on service {rs} failed.",
            DnsCheckConfig => afterRetries ? $"DNS_CHECK ({rs}) {result.Detail} after {checker.Retry} retries" : $"DNS_CHECK ({rs}) {result.Detail}",
            MiscCheckConfig misc => Misc(misc, result, rs, vs, misc.Retry == 0 ? " with retry disabled" : $" after {misc.Retry} {(misc.Retry == 1 ? "retry" : "retries")}"),
            _ => $"{checker.Kind} on service {rs} failed.",
        };
    }

    /// <summary>The pass that brings the server (back) up; HTTP says two things.</summary>
    public static IEnumerable<string> Succeeded(CheckerConfig checker, CheckResult result, string rs, string vs)
    {
        switch (checker)
        {
            case TcpCheckConfig:
                yield return $"TCP connection to {rs} success.";
                break;
            case HttpCheckConfig:
                yield return $"{result.Detail} success to {rs} url({result.Path})";
                yield return $"Remote Web server {rs} succeed on service.";
                break;
            case MiscCheckConfig misc:
                yield return $"Misc check for [{rs} VS {vs}] by [{misc.Script!.Program}] succeeded.";
                break;
            case DnsCheckConfig:
                yield return $"DNS_CHECK ({rs}) succeed on service.";
                break;
        }
    }

    private static string Misc(MiscCheckConfig misc, CheckResult result, string rs, string vs, string note)
    {
        var head = $"Misc check for [{rs} VS {vs}] by [{misc.Script!.Program}]";
        if (result.TimedOut)
        {
            return $"{head} timed out{note}.";
        }
        var code = result.Signal ?? result.ExitStatus ?? 0;
        return $"{head} failed{note} ({result.Detail} {code}).";
    }

    /// <summary>As check_misc.c: the first failure announces the retries, later ones count them.</summary>
    private static string RetryNote(int retry, int retryCount) => retryCount == 1
        ? $", will do {retry} {(retry == 1 ? "retry" : "retries")}"
        : $" on retry {retryCount - 1}/{retry}";
}
