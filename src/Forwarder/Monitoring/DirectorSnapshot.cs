using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Monitoring;

/// <summary>
/// Everything the metrics endpoint and the procfs directory show, copied in one step on the engine's thread so
/// that the figures agree with each other (as the kernel's readers see one table under its locks). Immutable.
/// </summary>
public sealed record DirectorSnapshot
{
    /// <summary>The engine's clock (µs) when it was taken.</summary>
    public required long TakenAt { get; init; }

    public required IReadOnlyList<ServiceFigures> Services { get; init; }

    /// <summary>The director's totals (the kernel's <c>tot_stats</c>): every service's, and those of services deleted since the director started.</summary>
    public required TrafficFigures Totals { get; init; }

    /// <summary>The estimated rates of the totals: the sum of the services' own estimates.</summary>
    public required TrafficRates TotalRates { get; init; }

    public required long FramesIn { get; init; }

    public required long FramesOut { get; init; }

    /// <summary>Frames by outcome, indexed by <see cref="FrameOutcome"/>.</summary>
    public required IReadOnlyList<long> Outcomes { get; init; }

    public required int Connections { get; init; }

    public required int ConnectionLimit { get; init; }

    public required long ConnectionsEvictedEmbryonic { get; init; }

    public required long ConnectionsRefusedFull { get; init; }

    public required long ArpRequests { get; init; }

    public required long ArpUnresolvedDrops { get; init; }

    public required IReadOnlyList<InterfaceFigures> Interfaces { get; init; }
}
