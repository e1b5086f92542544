using Forwarder.Keepalived.Configuration;

namespace Forwarder.Keepalived.Checkers;

/// <summary>The check that runs a checker's configuration.</summary>
public static class HealthChecks
{
    public static IHealthCheck For(CheckerConfig config) => config switch
    {
        TcpCheckConfig tcp => new TcpHealthCheck(tcp),
        HttpCheckConfig http => new HttpHealthCheck(http),
        MiscCheckConfig misc => new MiscHealthCheck(misc),
        DnsCheckConfig dns => new DnsHealthCheck(dns),
        _ => throw new ArgumentException($"no check runs {config.Kind}", nameof(config)),
    };
}
