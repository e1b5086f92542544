using Forwarder.Core;

namespace Forwarder.Capture.Replay;

/// <summary>A capture to replay as if its frames arrived on the named interface.</summary>
public sealed record ReplayInput(string InterfaceName, string Path)
{
    /// <summary>Parses the command line's <c>IF=PCAP</c>.</summary>
    public static ReplayInput Parse(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || equals == text.Length - 1)
        {
            throw new ArgumentException($"'{EchoedText.Of(text)}' is not IF=PCAP");
        }
        return new ReplayInput(text[..equals], text[(equals + 1)..]);
    }
}
