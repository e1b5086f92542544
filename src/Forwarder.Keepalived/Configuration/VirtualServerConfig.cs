namespace Forwarder.Keepalived.Configuration;

/// <summary>
/// A <c>virtual_server</c> block: one ipvsadm service (or, with <c>group</c>, one per entry of its
/// <c>virtual_server_group</c>) with its real servers, sorry server and quorum.
/// </summary>
public sealed class VirtualServerConfig
{
    public VirtualServerConfig(string name, ConfigPosition position)
    {
        Name = name;
        Position = position;
    }

    /// <summary>keepalived's name for it in logs: <c>[192.168.1.199]:tcp:80</c>, or <c>[GROUP]:0</c> for a group.</summary>
    public string Name { get; set; }

    public ConfigPosition Position { get; }

    /// <summary>The ipvsadm services it stands for: one address and port, or each entry of its group.</summary>
    public List<ServiceAddress> Services { get; } = [];

    public LvsProtocol Protocol { get; set; } = LvsProtocol.Tcp;

    public string Scheduler { get; set; } = "wlc";

    /// <summary>ipvsadm's -b flags (sh-port, sh-fallback, mh-port, mh-fallback, flag-1..3).</summary>
    public List<string> SchedulerFlags { get; } = [];

    /// <summary><c>ops</c>: one-packet scheduling (-o).</summary>
    public bool OnePacket { get; set; }

    /// <summary><c>persistence_timeout</c> in seconds (-p); null: not persistent.</summary>
    public int? PersistenceTimeout { get; set; }

    /// <summary><c>persistence_granularity</c>, a netmask (-M).</summary>
    public string? PersistenceGranularity { get; set; }

    public LvsMethod Method { get; set; } = LvsMethod.Nat;

    public long Quorum { get; set; } = 1;

    public long Hysteresis { get; set; }

    public ScriptCommand? QuorumUp { get; set; }

    public ScriptCommand? QuorumDown { get; set; }

    public RealServerConfig? SorryServer { get; set; }

    /// <summary><c>alpha</c>: real servers start as down until their checkers first succeed.</summary>
    public bool Alpha { get; set; }

    /// <summary><c>omega</c>: at shutdown, run the down notifications too.</summary>
    public bool Omega { get; set; }

    public List<RealServerConfig> RealServers { get; } = [];

    // Defaults for its real servers and checkers, as written (null: not set).
    internal LvsMethod? MethodSet { get; set; }

    internal bool ProtocolSet { get; set; }

    internal bool SchedulerSet { get; set; }

    internal TimeSpan DelayLoop { get; set; } = TimeSpan.FromSeconds(60);

    internal TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    internal int? Retry { get; set; }

    internal TimeSpan? DelayBeforeRetry { get; set; }

    internal TimeSpan? Warmup { get; set; }

    internal bool Inhibit { get; set; }

    internal int Weight { get; set; } = 1;

    internal string? VirtualHost { get; set; }

    internal string? GroupName { get; set; }

    /// <summary>
    /// Its address family as keepalived's vs->af: from its address, <c>ip_family</c>, or the first real or sorry server
    /// that is not tunnelled; null (AF_UNSPEC) until one of them says.
    /// </summary>
    internal System.Net.Sockets.AddressFamily? Family { get; set; }

    /// <summary>Whether it is <c>virtual_server fwmark N</c> (not a group).</summary>
    internal bool IsFirewallMark => GroupName is null && Services.Count > 0 && Services[0].IsFirewallMark;

    /// <summary>
    /// Whether it names services by address (a plain virtual server, or a group with address entries): keepalived checks
    /// the protocol, one-packet scheduling and zero ports only then.
    /// </summary>
    internal bool HasAddressServices => Services.Count == 0 ? !IsFirewallMark : Services.Any(service => !service.IsFirewallMark);

    internal bool SorryInhibit { get; set; }

    internal LvsMethod? SorryMethod { get; set; }
}
