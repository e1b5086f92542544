namespace Forwarder.Core.Frames;

/// <summary>
/// The fields of an IPv4 or IPv6 frame the engine decides on, read once by <see cref="Ipv4Parser"/> or
/// <see cref="Ipv6Parser"/> (host order). Lookup, scheduling and connections use only the family-blind members
/// (<see cref="SourceAddress"/>, <see cref="DestinationAddress"/>, ports, protocol, lengths, flags), as IPVS's
/// ip_vs_iphdr serves both families; the rewriters pick the family's header by <see cref="Family"/>.
/// </summary>
public struct PacketFields
{
    public IpFamily Family;

    /// <summary>The IP header up to the transport: IPv4's IHL, or IPv6's 40 bytes plus every extension header.</summary>
    public int IpHeaderLength;

    /// <summary>The IP packet in bytes: IPv4's total length, or IPv6's 40 + payload length.</summary>
    public int TotalLength;

    /// <summary>The transport protocol: IPv4's protocol field, or the Next Header of IPv6's last extension header.</summary>
    public byte Protocol;

    /// <summary>IPv4's TTL or IPv6's hop limit.</summary>
    public byte Ttl;

    /// <summary>IPv4 only (0 for IPv6): the source as a 32-bit value, what the IPv4 rewrites and mark rules read.</summary>
    public uint Source;

    /// <summary>IPv4 only (0 for IPv6): the destination as a 32-bit value.</summary>
    public uint Destination;

    /// <summary>The source as the connection layer takes addresses (IPv4-mapped for IPv4).</summary>
    public InetAddress SourceAddress;

    /// <summary>The destination as the connection layer takes addresses.</summary>
    public InetAddress DestinationAddress;

    /// <summary>Frame offset of the transport header (past IPv6's extension headers).</summary>
    public int TransportOffset;
    public ushort SourcePort;
    public ushort DestinationPort;
    public byte TcpFlags;

    /// <summary>For ICMP or ICMPv6: the message type (the ports then hold an echo's identifier, both ways).</summary>
    public byte IcmpType;

    /// <summary>A piece of a fragmented packet (IPv4 MF or offset; IPv6 a Fragment header with either).</summary>
    public bool IsFragment;

    /// <summary>
    /// A TCP checksum the device is to finish (<see cref="Frames.PartialChecksum"/>): set by the engine, only where it
    /// takes GRO's merged frames; the rewriters then keep it partial.
    /// </summary>
    public bool ChecksumPartial;

    /// <summary>IPv6: how many extension headers lie between the fixed header and the transport.</summary>
    public int ExtensionHeaders;

    public readonly bool IsIpv6 => Family == IpFamily.Ipv6;

    /// <summary>IPv6's name for <see cref="Ttl"/>.</summary>
    public readonly byte HopLimit => Ttl;

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
