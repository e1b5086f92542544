namespace Forwarder.Core.Frames;

/// <summary>The fields of an IPv4 TCP/UDP frame the engine decides on, read once (host order).</summary>
public struct PacketFields
{
    public int IpHeaderLength;
    public int TotalLength;
    public byte Protocol;
    public byte Ttl;
    public uint Source;
    public uint Destination;
    public int TransportOffset;
    public ushort SourcePort;
    public ushort DestinationPort;
    public byte TcpFlags;

    /// <summary>For ICMP: the message type (the ports then hold an echo's identifier, both ways).</summary>
    public byte IcmpType;
    public bool IsFragment;

    /// <summary>A TCP SYN without ACK, or any UDP datagram: what may open a connection (as IPVS's conn_schedule).</summary>
    public readonly bool OpensFlow =>
        Protocol == FrameLayout.ProtocolUdp ||
        (TcpFlags & (FrameLayout.TcpSyn | FrameLayout.TcpAck | FrameLayout.TcpRst)) == FrameLayout.TcpSyn;
}
