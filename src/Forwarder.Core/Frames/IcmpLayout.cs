namespace Forwarder.Core.Frames;

/// <summary>ICMP types, codes and offsets the director uses (RFC 792, RFC 1191).</summary>
public static class IcmpLayout
{
    public const int HeaderLength = 8;
    public const int Type = 0;
    public const int Code = 1;
    public const int Checksum = 2;
    public const int Identifier = 4;
    public const int NextHopMtu = 6;

    public const byte EchoReply = 0;
    public const byte DestinationUnreachable = 3;
    public const byte SourceQuench = 4;
    public const byte EchoRequest = 8;
    public const byte TimeExceeded = 11;
    public const byte ParameterProblem = 12;

    public const byte PortUnreachable = 3;
    public const byte FragmentationNeeded = 4;

    /// <summary>As Linux's icmp_send: an error quotes as much of the offending datagram as keeps it within 576 bytes.</summary>
    public const int MaximumQuote = 576 - 20 - HeaderLength;

    /// <summary>The error types that quote a datagram of a flow, which IPVS relays for its connections.</summary>
    public static bool IsError(byte type) =>
        type is DestinationUnreachable or SourceQuench or TimeExceeded or ParameterProblem;
}
