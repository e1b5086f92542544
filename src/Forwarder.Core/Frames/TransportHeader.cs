using System.Buffers.Binary;

namespace Forwarder.Core.Frames;

/// <summary>
/// The TCP and UDP header checks the kernel's protocol handlers make before IPVS sees a packet, the same over IPv4
/// and IPv6: a TCP header whose data offset lies inside the segment, a UDP length inside the datagram.
/// </summary>
internal static class TransportHeader
{
    /// <summary>Whether <paramref name="transport"/> holds a whole TCP or UDP header; a TCP header's flags are read.</summary>
    public static bool IsWellFormed(byte protocol, ReadOnlySpan<byte> transport, out byte tcpFlags)
    {
        tcpFlags = 0;
        if (protocol == FrameLayout.ProtocolTcp)
        {
            if (transport.Length < FrameLayout.TcpMinimumHeaderLength)
            {
                return false;
            }
            var dataOffset = (transport[FrameLayout.TcpDataOffset] >> 4) * 4;
            if (dataOffset < FrameLayout.TcpMinimumHeaderLength || dataOffset > transport.Length)
            {
                return false;
            }
            tcpFlags = transport[FrameLayout.TcpFlags];
            return true;
        }
        if (transport.Length < FrameLayout.UdpHeaderLength)
        {
            return false;
        }
        var udpLength = BinaryPrimitives.ReadUInt16BigEndian(transport[FrameLayout.UdpLength..]);
        return udpLength >= FrameLayout.UdpHeaderLength && udpLength <= transport.Length;
    }

    /// <summary>The source and destination ports, the first four bytes of a TCP or UDP header.</summary>
    public static (ushort Source, ushort Destination) Ports(ReadOnlySpan<byte> transport) =>
        (BinaryPrimitives.ReadUInt16BigEndian(transport[FrameLayout.SourcePort..]),
         BinaryPrimitives.ReadUInt16BigEndian(transport[FrameLayout.DestinationPort..]));
}
