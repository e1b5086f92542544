namespace Forwarder.Keepalived.Checkers;

/// <summary>How a checker's connection attempt ended.</summary>
public enum ConnectOutcome
{
    Connected,
    Refused,
    TimedOut,
    Unreachable,
}
