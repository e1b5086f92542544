using System.Buffers.Binary;
using Forwarder.Core.Frames;

namespace Forwarder.Core.Transmit;

/// <summary>
/// The <c>struct virtio_net_hdr</c> a packet socket with <c>PACKET_VNET_HDR</c> takes before each frame: how the
/// kernel is to finish the frame's checksum and cut it into segments, as it does for a merged frame it forwards
/// itself. A TCP segment whose checksum is partial (<see cref="PartialChecksum"/>) is finished by the kernel (or the
/// device); one longer than the interface's MTU — GRO merged it — goes as one GSO frame, cut into segments that fill
/// the MTU. Any other frame gets an empty header and leaves as it is. Ten bytes, little-endian on this machine.
/// </summary>
public static class SegmentationOffload
{
    public const int HeaderLength = 10;

    private const byte NeedsChecksum = 1;
    private const byte GsoTcpIpv4 = 1;
    private const byte GsoTcpIpv6 = 4;
    private const byte GsoEcn = 0x80;
    private const byte TcpCwr = 0x80;

    /// <summary>
    /// Writes <paramref name="frame"/>'s header into <paramref name="header"/> for a link of <paramref name="mtu"/>.
    /// Returns whether the frame is handed over with its checksum to finish (and, if longer than the MTU, to cut).
    /// </summary>
    public static bool Describe(ReadOnlySpan<byte> frame, int mtu, Span<byte> header)
    {
        header[..HeaderLength].Clear();
        if (!TryReadTcp(frame, out var ipHeaderLength, out var ipLength, out var isIpv6))
        {
            return false;
        }
        var ip = frame[FrameLayout.EthernetHeaderLength..];
        var tcp = ip[ipHeaderLength..];
        var segmentLength = ipLength - ipHeaderLength;
        var tcpHeaderLength = (tcp[FrameLayout.TcpDataOffset] >> 4) * 4;
        if (tcpHeaderLength < FrameLayout.TcpMinimumHeaderLength || tcpHeaderLength > segmentLength)
        {
            return false;
        }
        var pseudo = isIpv6
            ? PartialChecksum.Ipv6PseudoHeaderSum(ip, segmentLength)
            : InternetChecksum.PseudoHeaderSum(BinaryPrimitives.ReadUInt32BigEndian(ip[FrameLayout.Ipv4Source..]),
                BinaryPrimitives.ReadUInt32BigEndian(ip[FrameLayout.Ipv4Destination..]), FrameLayout.ProtocolTcp, segmentLength);
        if (!PartialChecksum.SameSum(BinaryPrimitives.ReadUInt16BigEndian(tcp[FrameLayout.TcpChecksum..]), PartialChecksum.Fold(pseudo)))
        {
            return false;
        }
        var headers = FrameLayout.EthernetHeaderLength + ipHeaderLength + tcpHeaderLength;
        header[0] = NeedsChecksum;
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)headers);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)(FrameLayout.EthernetHeaderLength + ipHeaderLength));
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], FrameLayout.TcpChecksum);
        var segmentSize = mtu - ipHeaderLength - tcpHeaderLength;
        if (ipLength > mtu && segmentSize > 0)
        {
            header[1] = (byte)((isIpv6 ? GsoTcpIpv6 : GsoTcpIpv4) | ((tcp[FrameLayout.TcpFlags] & TcpCwr) != 0 ? GsoEcn : 0));
            BinaryPrimitives.WriteUInt16LittleEndian(header[4..], (ushort)segmentSize);
        }
        return true;
    }

    /// <summary>An unfragmented IPv4 or IPv6 (no extension header) TCP segment, whole in the frame.</summary>
    private static bool TryReadTcp(ReadOnlySpan<byte> frame, out int ipHeaderLength, out int ipLength, out bool isIpv6)
    {
        ipHeaderLength = 0;
        ipLength = 0;
        isIpv6 = false;
        if (frame.Length < FrameLayout.EthernetHeaderLength + FrameLayout.Ipv4MinimumHeaderLength + FrameLayout.TcpMinimumHeaderLength)
        {
            return false;
        }
        var ip = frame[FrameLayout.EthernetHeaderLength..];
        switch (BinaryPrimitives.ReadUInt16BigEndian(frame[FrameLayout.EtherTypeOffset..]))
        {
            case FrameLayout.EtherTypeIpv4:
                ipHeaderLength = (ip[FrameLayout.Ipv4VersionAndLength] & 0x0F) * 4;
                ipLength = BinaryPrimitives.ReadUInt16BigEndian(ip[FrameLayout.Ipv4TotalLength..]);
                var fragment = BinaryPrimitives.ReadUInt16BigEndian(ip[FrameLayout.Ipv4FlagsAndFragment..]);
                if (ip[FrameLayout.Ipv4Protocol] != FrameLayout.ProtocolTcp || ipHeaderLength < FrameLayout.Ipv4MinimumHeaderLength ||
                    (fragment & (FrameLayout.Ipv4MoreFragments | FrameLayout.Ipv4FragmentOffsetMask)) != 0)
                {
                    return false;
                }
                break;
            case FrameLayout.EtherTypeIpv6:
                isIpv6 = true;
                ipHeaderLength = Ipv6Layout.HeaderLength;
                if (ip.Length < Ipv6Layout.HeaderLength)
                {
                    return false;
                }
                ipLength = Ipv6Layout.HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(ip[Ipv6Layout.PayloadLength..]);
                if (ip[Ipv6Layout.NextHeader] != FrameLayout.ProtocolTcp)
                {
                    return false;
                }
                break;
            default:
                return false;
        }
        return ipLength <= ip.Length && ipHeaderLength + FrameLayout.TcpMinimumHeaderLength <= ipLength;
    }
}
