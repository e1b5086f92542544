namespace Forwarder.Ipvsadm.Grammar;

/// <summary>A command line ipvsadm would refuse before touching the table: its message and exit status.</summary>
public sealed class IpvsadmUsageException : Exception
{
    public IpvsadmUsageException(string message, int exitCode = 2)
        : base(message)
    {
        ExitCode = exitCode;
    }

    public IpvsadmUsageException()
    {
    }

    public IpvsadmUsageException(string message)
        : base(message)
    {
    }

    public IpvsadmUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int ExitCode { get; } = 2;
}
