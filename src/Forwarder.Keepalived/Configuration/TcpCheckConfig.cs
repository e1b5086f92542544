namespace Forwarder.Keepalived.Configuration;

/// <summary>TCP_CHECK: the server is up while a TCP connection to it opens.</summary>
public sealed class TcpCheckConfig : CheckerConfig
{
    public override string Kind => "TCP_CHECK";

    internal override int DefaultRetry => 1;

    internal override TimeSpan? DefaultDelayBeforeRetry => TimeSpan.FromSeconds(1);
}
