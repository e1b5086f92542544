namespace Forwarder.Capture.Files;

/// <summary>A capture file that cannot be read or written: names the file and, when reading, the frame.</summary>
public sealed class CaptureFileException : Exception
{
    public CaptureFileException(string message)
        : base(message)
    {
    }

    public CaptureFileException()
    {
    }

    public CaptureFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
