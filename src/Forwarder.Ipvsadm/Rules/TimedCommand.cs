namespace Forwarder.Ipvsadm.Rules;

/// <summary>
/// One line of a replay's commands file: ipvsadm's arguments (without the program name), to run when the
/// replay's clock is <see cref="OffsetMicroseconds"/> past the capture's first frame.
/// </summary>
public sealed record TimedCommand(int LineNumber, long OffsetMicroseconds, IReadOnlyList<string> Arguments);
