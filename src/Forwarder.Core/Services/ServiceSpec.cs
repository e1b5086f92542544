namespace Forwarder.Core.Services;

/// <summary>The settings of an ipvsadm -A/-E: which service and how it schedules.</summary>
public sealed record ServiceSpec(ServiceKey Key, string SchedulerName, int? PersistenceTimeout = null, uint PersistenceMask = uint.MaxValue, string SchedulerFlags = "");
