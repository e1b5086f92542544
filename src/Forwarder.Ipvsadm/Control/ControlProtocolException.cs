namespace Forwarder.Ipvsadm.Control;

/// <summary>A control message that does not follow the framing: wrong magic, too long, or cut short.</summary>
public sealed class ControlProtocolException : Exception
{
    public ControlProtocolException()
    {
    }

    public ControlProtocolException(string message)
        : base(message)
    {
    }

    public ControlProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
