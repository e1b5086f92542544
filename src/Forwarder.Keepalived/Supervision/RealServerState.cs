using Forwarder.Keepalived.Configuration;

namespace Forwarder.Keepalived.Supervision;

/// <summary>A real (or sorry) server as keepalived tracks it: alive, in the table, how many checkers fail it, its weight now.</summary>
internal sealed class RealServerState
{
    public RealServerState(RealServerConfig config)
    {
        Config = config;
        EffectiveWeight = config.Weight;
    }

    public RealServerConfig Config { get; }

    /// <summary>keepalived's rs->alive: in service as far as the checkers are concerned.</summary>
    public bool Alive { get; set; }

    /// <summary>keepalived's rs->set: this supervisor put it in the table (with inhibit_on_failure it stays there at weight 0).</summary>
    public bool Set { get; set; }

    public int FailedCheckers { get; set; }

    /// <summary>The configured weight plus what misc_dynamic checkers add (keepalived's effective_weight).</summary>
    public long EffectiveWeight { get; set; }

    /// <summary>As keepalived's real_weight: the weight the table can hold.</summary>
    public int Weight => (int)Math.Clamp(EffectiveWeight, 0, int.MaxValue);
}
