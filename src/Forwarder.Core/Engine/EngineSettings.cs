namespace Forwarder.Core.Engine;

/// <summary>Choices about what the engine does that depend on where it runs.</summary>
public sealed class EngineSettings
{
    /// <summary>
    /// Answer ARP and ICMP echo for the director's own interface addresses. In replay nothing else would;
    /// live, the host's kernel already does, so the director only speaks for its virtual addresses.
    /// </summary>
    public bool AnswerForOwnAddresses { get; init; } = true;
}
