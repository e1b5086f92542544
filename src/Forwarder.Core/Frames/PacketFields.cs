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

    /// <summary>The source as the connection layer takes addresses.</summary>
    public readonly InetAddress SourceAddress => InetAddress.FromIpv4(Source);

    /// <summary>The destination as the connection layer takes addresses.</summary>
    public readonly InetAddress DestinationAddress => InetAddress.FromIpv4(Destination);

    /// <summary>For ICMP: the message type (the ports then hold an echo's identifier, both ways).</summary>
    public byte IcmpType;
    public bool IsFragment;

    /// <summary>
    /// A TCP segment with SYN and without RST, or any UDP datagram: what may open a connection. As IPVS's
    /// tcp_conn_schedule, a SYN+ACK opens one too (the kernel keeps that for active FTP).
    /// </summary>
    public readonly bool OpensFlow =>
        Protocol == FrameLayout.ProtocolUdp ||
        (TcpFlags & (FrameLayout.TcpSyn | FrameLayout.TcpRst)) == FrameLayout.TcpSyn;

    /// <summary>
    /// What may open a connection under <c>sloppy_tcp</c>: any TCP segment without RST (a mid-stream ACK too), as
    /// tcp_conn_schedule when the switch is on.
    /// </summary>
    public readonly bool OpensFlowUnderSloppyTcp =>
        Protocol == FrameLayout.ProtocolTcp && (TcpFlags & FrameLayout.TcpRst) == 0;
}
