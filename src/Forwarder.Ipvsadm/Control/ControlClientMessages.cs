namespace Forwarder.Ipvsadm.Control;

/// <summary>
/// Everything the ipvsadm client says on its own account (not the director's answer), each one line for stderr.
/// They are the reasons ipvsadm gives when it "Can't initialize ipvs", told about the director instead.
/// </summary>
public static class ControlClientMessages
{
    /// <summary>connect() found no socket file: no director has started there.</summary>
    public static string NotRunning(string socketPath) =>
        $"ipvsadm: cannot reach the director at {socketPath} (is it running?)\n";

    /// <summary>connect() was refused by a socket file nobody listens on: a director that stopped left it behind.</summary>
    public static string Stale(string socketPath) =>
        $"ipvsadm: cannot reach the director at {socketPath}: the socket is there but nobody listens on it (is it running?)\n";

    /// <summary>connect() would block: a director listens but its queue of connections not yet accepted is full.</summary>
    public static string Busy(string socketPath) =>
        $"ipvsadm: the director at {socketPath} is busy: its queue of waiting connections is full; try again\n";

    public static string PermissionDenied(string socketPath) =>
        $"ipvsadm: cannot reach the director at {socketPath}: permission denied (you must be root or the director's user)\n";

    /// <summary>
    /// The socket's listener is neither root nor this user: it is not our director, and what we would send it
    /// (a -R carries the whole table) is none of its business.
    /// </summary>
    public static string UntrustedListener(string socketPath, uint listenerUserId, uint ownUserId) =>
        $"Can't initialize ipvs: {socketPath} is served by uid {listenerUserId}, not by root{(ownUserId == 0 ? "" : $" or uid {ownUserId}")}; nothing was sent to it\n";

    public static string Unusable(string reason) => $"ipvsadm: {reason}\n";

    public static string TimedOut(string socketPath, TimeSpan timeout) =>
        $"ipvsadm: the director at {socketPath} did not answer within {timeout.TotalSeconds:0} s\n";

    public static string NoAnswer(string socketPath) =>
        $"ipvsadm: the director at {socketPath} closed the connection without answering\n";
}
