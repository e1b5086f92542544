using Forwarder.CaptureBuilder.Frames;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// One short HTTP connection as seen at the director: handshake, one request, one reply, the
/// client's close and the server's FIN. Times are microseconds since the Unix epoch; the client
/// times come from a trace, the server times are chosen between the client frames they answer.
/// </summary>
public sealed record HttpConnectionScript
{
    public required ushort ClientPort { get; init; }
    public required uint ClientIsn { get; init; }
    public required uint ServerIsn { get; init; }

    /// <summary>The real server the director's scheduler is expected to pick for this flow.</summary>
    public required NetworkHost RealServer { get; init; }

    public required long ClientSynTime { get; init; }
    public required long ServerSynAckTime { get; init; }
    public required long ClientAckTime { get; init; }
    public required long ClientRequestTime { get; init; }
    public required long ServerReplyTime { get; init; }
    public required long ClientReplyAckTime { get; init; }
    public required long ClientFinTime { get; init; }
    public required long ServerFinTime { get; init; }

    /// <summary>Client window field (already scaled) from its handshake ACK through its request.</summary>
    public required ushort ClientWindow { get; init; }

    /// <summary>Client window field after the reply has been taken in.</summary>
    public required ushort ClientWindowAfterReply { get; init; }

    /// <summary>Windows keeps one IP ID counter for all traffic; this flow's first frame takes this value.</summary>
    public required ushort ClientFirstIpId { get; init; }

    /// <summary>Linux sends its SYN-ACK with ID 0 (DF set) and then counts from a per-socket random start.</summary>
    public required ushort ServerFirstIpId { get; init; }

    public required ReadOnlyMemory<byte> Request { get; init; }
    public required ReadOnlyMemory<byte> Reply { get; init; }

    /// <summary>Unscaled window of a Windows SYN.</summary>
    public ushort ClientSynWindow { get; init; } = 8192;

    /// <summary>Linux's SYN-ACK window for a 1460-byte MSS.</summary>
    public ushort ServerSynAckWindow { get; init; } = 29200;

    /// <summary>Linux's window after the handshake, scaled by its wscale of 7 (29312 bytes).</summary>
    public ushort ServerWindow { get; init; } = 229;
}
