namespace Forwarder.Core.Sync;

/// <summary>
/// The kernel's <c>net.ipv4.vs.sync_*</c> switches that decide which connections a master sends and when, each at
/// Linux's default: <c>sync_threshold</c> "3 50", <c>sync_refresh_period</c> 0, <c>sync_retries</c> 0,
/// <c>sync_persist_mode</c> 0.
/// </summary>
public sealed record SyncSettings
{
    /// <summary>sync_threshold's first number: a connection is sent when its client packets reach this count...</summary>
    public int Threshold { get; init; } = 3;

    /// <summary>...and again every this many packets after (sync_threshold's second number; 0: only once).</summary>
    public int Period { get; init; } = 50;

    /// <summary>
    /// sync_refresh_period, in seconds (0: off): when set, a connection is not sent again while the backups' copy would
    /// still outlive it by less than this (or half its timeout), except for up to <see cref="Retries"/> repeats.
    /// </summary>
    public int RefreshPeriodSeconds { get; init; }

    /// <summary>sync_retries (0-3): repeats of a message under sync_refresh_period, each an eighth of it after the last.</summary>
    public int Retries { get; init; }

    /// <summary>sync_persist_mode: when on, connections a persistence template controls are not sent, only their template.</summary>
    public bool PersistMode { get; init; }
}
