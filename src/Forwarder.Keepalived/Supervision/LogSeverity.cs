namespace Forwarder.Keepalived.Supervision;

/// <summary>syslog's levels, as the <c>&lt;N&gt;</c> prefix journald reads on a service's stderr (sd-daemon.h).</summary>
public enum LogSeverity
{
    Error = 3,
    Warning = 4,
    Notice = 5,
    Info = 6,
    Debug = 7,
}
