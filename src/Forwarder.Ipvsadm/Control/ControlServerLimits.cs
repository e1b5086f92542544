namespace Forwarder.Ipvsadm.Control;

/// <summary>
/// What the control server lets its clients hold at once. An ipvsadm client holds one connection for one
/// request, so these are generous for operators and scripts, yet a flood of connections, each announcing a
/// large body and sending little, costs the director a few kilobytes apiece and 64 MiB at the very most.
/// The size of one request is the protocol's own limit, <see cref="ControlFraming.MaximumPayloadBytes"/>.
/// </summary>
public sealed record ControlServerLimits
{
    public static readonly ControlServerLimits Default = new();

    /// <summary>Connections served at once (16, the listen backlog again); any more are answered "busy" at once.</summary>
    public int MaximumConnections { get; init; } = 16;

    /// <summary>
    /// Request bytes all connections together may hold while they arrive: 64 MiB, four requests of the largest
    /// size (a 110,000-line -R is about 5 MB, so a dozen of those at once). A request that would go over is
    /// answered "busy" rather than waiting for memory.
    /// </summary>
    public long RequestBudgetBytes { get; init; } = 64L * 1024 * 1024;
}
