namespace Forwarder.Core.Frames;

/// <summary>The fields of an IPv6 frame the engine decides on, read once: addresses, the upper protocol past the extension headers, ports.</summary>
public struct Ipv6PacketFields
{
    public InetAddress Source;
    public InetAddress Destination;

    /// <summary>The upper-layer protocol: the Next Header of the last extension header (TCP 6, UDP 17, ICMPv6 58, ...).</summary>
    public byte Protocol;
    public byte HopLimit;

    /// <summary>The IPv6 header and its payload, in bytes (40 + Payload Length).</summary>
    public int TotalLength;

    /// <summary>Frame offset of the upper-layer header (past every extension header).</summary>
    public int TransportOffset;
    public int ExtensionHeaders;
    public ushort SourcePort;
    public ushort DestinationPort;
    public byte TcpFlags;

    /// <summary>For ICMPv6: the message type (an echo's identifier is then in both ports).</summary>
    public byte IcmpType;

    /// <summary>A Fragment header with an offset or More Fragments: one piece of a fragmented packet.</summary>
    public bool IsFragment;

    public readonly bool OpensFlow =>
        Protocol == FrameLayout.ProtocolUdp ||
        (TcpFlags & (FrameLayout.TcpSyn | FrameLayout.TcpRst)) == FrameLayout.TcpSyn;
}
