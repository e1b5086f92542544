namespace Forwarder.Core;

/// <summary>A line of a rules or topology file that cannot be taken: names the file's line and why.</summary>
public sealed class LineFormatException : Exception
{
    public LineFormatException(int lineNumber, string reason)
        : base($"line {lineNumber}: {reason}")
    {
        LineNumber = lineNumber;
        Reason = reason;
    }

    public LineFormatException()
    {
        Reason = string.Empty;
    }

    public LineFormatException(string message)
        : base(message)
    {
        Reason = message;
    }

    public LineFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    public int LineNumber { get; }

    public string Reason { get; }
}
