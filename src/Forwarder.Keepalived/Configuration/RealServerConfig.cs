using System.Net;

namespace Forwarder.Keepalived.Configuration;

/// <summary>A <c>real_server</c> (or a <c>sorry_server</c>) of a virtual server, its defaults taken from the virtual server.</summary>
public sealed class RealServerConfig
{
    public RealServerConfig(IPAddress address, ushort port, ConfigPosition position)
    {
        Address = address;
        Port = port;
        Position = position;
    }

    public IPAddress Address { get; }

    /// <summary>The port; for NAT without one, the virtual server's (as keepalived fills it in).</summary>
    public ushort Port { get; set; }

    public ConfigPosition Position { get; }

    public LvsMethod Method { get; set; }

    /// <summary>The configured weight (keepalived's iweight).</summary>
    public int Weight { get; set; } = 1;

    public int UpperThreshold { get; set; }

    public int LowerThreshold { get; set; }

    /// <summary><c>inhibit_on_failure</c>: a failed server stays in the table with weight 0 rather than being removed.</summary>
    public bool Inhibit { get; set; }

    public ScriptCommand? NotifyUp { get; set; }

    public ScriptCommand? NotifyDown { get; set; }

    public List<CheckerConfig> Checkers { get; } = [];

    // Set in the block or taken from the virtual server (null: not set here).
    internal LvsMethod? MethodSet { get; set; }

    internal int? WeightSet { get; set; }

    internal bool? InhibitSet { get; set; }

    internal bool? AlphaSet { get; set; }

    internal int? RetrySet { get; set; }

    internal TimeSpan? DelayLoopSet { get; set; }

    internal TimeSpan? DelayBeforeRetrySet { get; set; }

    internal TimeSpan? WarmupSet { get; set; }

    internal TimeSpan? ConnectTimeoutSet { get; set; }

    internal string? VirtualHost { get; set; }

    /// <summary>keepalived's name for it in logs, with the virtual server's protocol: <c>[192.168.139.254]:tcp:80</c>.</summary>
    public string NameIn(VirtualServerConfig virtualServer) => new ServiceAddress(Address, Port, virtualServer.Protocol).ToString();

    /// <summary>ipvsadm's ADDRESS:PORT for -r.</summary>
    public string Endpoint => ServiceAddress.EndpointOf(Address, Port);
}
