namespace Forwarder.Keepalived.Configuration;

/// <summary>
/// A configuration whose structure cannot be read (unbalanced braces, an unterminated quote, an include that
/// cannot be read): refused whole, as loading only part of a mis-nested file could put the wrong servers in.
/// </summary>
public sealed class ConfigSyntaxException : Exception
{
    /// <param name="position">The line at fault; line 0 names a whole file (one that cannot be found), and the message names no line.</param>
    public ConfigSyntaxException(ConfigPosition position, string reason)
        : base(position.Line > 0 ? $"{position} {reason}" : reason)
    {
        Position = position;
        Reason = reason;
    }

    public ConfigSyntaxException()
    {
        Reason = string.Empty;
    }

    public ConfigSyntaxException(string message)
        : base(message)
    {
        Reason = message;
    }

    public ConfigSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    public ConfigPosition Position { get; }

    public string Reason { get; }
}
