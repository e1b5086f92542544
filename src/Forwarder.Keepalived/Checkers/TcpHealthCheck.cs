using System.Net.Sockets;
using Forwarder.Keepalived.Configuration;

namespace Forwarder.Keepalived.Checkers;

/// <summary>TCP_CHECK: a connection opened within connect_timeout (and closed at once) is a pass.</summary>
public sealed class TcpHealthCheck : IHealthCheck
{
    private readonly TcpCheckConfig _config;

    public TcpHealthCheck(TcpCheckConfig config)
    {
        _config = config;
    }

    public CheckerConfig Config => _config;

    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        using var socket = await CheckerSockets.ConnectAsync(_config, cancellationToken).ConfigureAwait(false);
        return socket.Outcome switch
        {
            ConnectOutcome.Connected => CheckResult.Passed(),
            ConnectOutcome.TimedOut => CheckResult.Failed("timeout"),
            _ => CheckResult.Failed("failed"),
        };
    }
}
