namespace Forwarder.Ipvsadm.Execution;

/// <summary>
/// A -R input that applied whole to its trial copy, as the few steps left for the live table: a service the input
/// created is taken in as the trial built it (<see cref="RestoreStep.Adopt"/>, servers and all), the lines that only
/// built such a service up need no step at all, and every other line (edits of services that were already there, -D, -C, -Z,
/// --set) is applied again, in order. Valid only while the live table is at <see cref="Version"/>.
/// </summary>
internal sealed record RestorePlan(long Version, IReadOnlyList<RestoreStep> Steps);

