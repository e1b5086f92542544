using Forwarder.Core;

namespace Forwarder.Replay;

/// <summary>
/// A timed command the director refused when its time came (a <c>-d</c> of a destination that is not there):
/// the replay stops there. The message is the live director's, placed in the commands file: <c>FILE:LINE: words</c>.
/// </summary>
public sealed class TimedCommandRefusedException : Exception
{
    public TimedCommandRefusedException(string commandsFile, int lineNumber, string reason, int ipvsadmExitCode)
        : base($"{EchoedText.Of(commandsFile)}:{lineNumber}: {reason}")
    {
        CommandsFile = commandsFile;
        LineNumber = lineNumber;
        Reason = reason;
        IpvsadmExitCode = ipvsadmExitCode;
    }

    public TimedCommandRefusedException()
    {
        CommandsFile = string.Empty;
        Reason = string.Empty;
    }

    public TimedCommandRefusedException(string message)
        : base(message)
    {
        CommandsFile = string.Empty;
        Reason = message;
    }

    public TimedCommandRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        CommandsFile = string.Empty;
        Reason = message;
    }

    public string CommandsFile { get; }

    public int LineNumber { get; }

    /// <summary>What ipvsadm printed on stderr, without its newline.</summary>
    public string Reason { get; }

    /// <summary>The status ipvsadm would have ended with.</summary>
    public int IpvsadmExitCode { get; }
}
