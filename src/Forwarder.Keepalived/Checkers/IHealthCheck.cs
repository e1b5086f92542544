using Forwarder.Keepalived.Configuration;

namespace Forwarder.Keepalived.Checkers;

/// <summary>
/// One checker of one real server: a single bounded attempt (connect, request, script) per call. Scheduling, retries
/// and what a result does to the table belong to the supervisor; a check never touches the table itself.
/// </summary>
public interface IHealthCheck
{
    CheckerConfig Config { get; }

    /// <summary>Runs once; ends within the checker's own timeout (connect_timeout, misc_timeout) or when cancelled.</summary>
    Task<CheckResult> RunAsync(CancellationToken cancellationToken);
}
