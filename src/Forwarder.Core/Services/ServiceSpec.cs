namespace Forwarder.Core.Services;

/// <summary>
/// The settings of an ipvsadm -A/-E: which service and how it schedules. <paramref name="PersistenceEngine"/> is
/// --pe's name ("sip") or empty; <paramref name="OnePacket"/> is -o (one-packet scheduling, UDP only).
/// </summary>
public sealed record ServiceSpec(
    ServiceKey Key,
    string SchedulerName,
    int? PersistenceTimeout = null,
    uint PersistenceMask = uint.MaxValue,
    string SchedulerFlags = "",
    string PersistenceEngine = "",
    bool OnePacket = false);
