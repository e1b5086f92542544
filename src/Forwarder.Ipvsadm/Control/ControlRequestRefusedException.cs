namespace Forwarder.Ipvsadm.Control;

/// <summary>
/// A request the director will not take, though it is well framed: over the size limit, or more than the memory
/// left for requests. Its message is a sentence for the user, which the server sends back as the answer.
/// </summary>
public sealed class ControlRequestRefusedException : Exception
{
    public ControlRequestRefusedException()
    {
    }

    public ControlRequestRefusedException(string message)
        : base(message)
    {
    }

    public ControlRequestRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
