using System.Buffers.Binary;
using Forwarder.Core.Frames;
using Forwarder.Core.Topology;

namespace Forwarder.Core.Engine;

/// <summary>
/// Frames taken a group at a time, as a batching data plane does: every frame's connection lookup is hinted into
/// the cache first (its index line, then the entry it names), so that the group's cache misses overlap instead of
/// each frame waiting out its own; then the caller processes the frames one by one, in order, with
/// <see cref="Process"/>. The hints read only the 5-tuple and change nothing, so the outcome is the same.
/// </summary>
public sealed partial class DirectorEngine
{
    /// <summary>Frames hinted together: enough misses in flight to cover a memory latency, few enough to stay in cache.</summary>
    public const int GroupSize = 8;

    /// <summary>
    /// Hints the lookups of <paramref name="count"/> (at most <see cref="GroupSize"/>) frames that came in on one
    /// interface, frame <c>i</c> being <c>frames[i][..lengths[i]]</c>; the caller then gives each to <see cref="Process"/>.
    /// </summary>
    public void HintGroup(ReadOnlySpan<byte[]> frames, ReadOnlySpan<int> lengths, int count, int interfaceIndex)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, GroupSize);
        if (_connections.Count < _settings.HintedTableSize)
        {
            return;
        }
        Span<int> positions = stackalloc int[GroupSize];
        var serverSide = _interfaceRoles[interfaceIndex] != InterfaceRole.Public;
        for (var i = 0; i < count; i++)
        {
            positions[i] = HintLookup(frames[i].AsSpan(0, lengths[i]), serverSide);
        }
        for (var i = 0; i < count; i++)
        {
            if (positions[i] >= 0)
            {
                _connections.HintEntry(positions[i], serverSide);
            }
        }
    }

    /// <summary>
    /// The index position of a TCP or UDP frame's lookup (client side from the public interface, reply side from the
    /// private one), hinted; -1 for anything else. Only lengths are checked: <see cref="Process"/> judges the frame.
    /// </summary>
    private int HintLookup(ReadOnlySpan<byte> frame, bool serverSide)
    {
        if (frame.Length < FrameLayout.EthernetHeaderLength + FrameLayout.Ipv4MinimumHeaderLength + 4)
        {
            return -1;
        }
        var ip = frame[FrameLayout.EthernetHeaderLength..];
        InetAddress source, destination;
        byte protocol;
        ReadOnlySpan<byte> transport;
        switch (BinaryPrimitives.ReadUInt16BigEndian(frame[FrameLayout.EtherTypeOffset..]))
        {
            case FrameLayout.EtherTypeIpv4:
                var headerLength = (ip[FrameLayout.Ipv4VersionAndLength] & 0x0F) * 4;
                if (headerLength < FrameLayout.Ipv4MinimumHeaderLength || ip.Length < headerLength + 4)
                {
                    return -1;
                }
                protocol = ip[FrameLayout.Ipv4Protocol];
                source = InetAddress.FromIpv4(BinaryPrimitives.ReadUInt32BigEndian(ip[FrameLayout.Ipv4Source..]));
                destination = InetAddress.FromIpv4(BinaryPrimitives.ReadUInt32BigEndian(ip[FrameLayout.Ipv4Destination..]));
                transport = ip[headerLength..];
                break;
            case FrameLayout.EtherTypeIpv6:
                // Extension headers are left to Process: they are rare on the flows a director carries.
                if (ip.Length < Ipv6Layout.HeaderLength + 4)
                {
                    return -1;
                }
                protocol = ip[Ipv6Layout.NextHeader];
                source = InetAddress.ReadIpv6(ip[Ipv6Layout.Source..]);
                destination = InetAddress.ReadIpv6(ip[Ipv6Layout.Destination..]);
                transport = ip[Ipv6Layout.HeaderLength..];
                break;
            default:
                return -1;
        }
        if (protocol is not (FrameLayout.ProtocolTcp or FrameLayout.ProtocolUdp))
        {
            return -1;
        }
        if (protocol == FrameLayout.ProtocolTcp && transport.Length > FrameLayout.TcpFlags &&
            (transport[FrameLayout.TcpFlags] & (FrameLayout.TcpSyn | FrameLayout.TcpAck)) == FrameLayout.TcpSyn)
        {
            // A SYN nearly always opens a flow: its lookup misses, and hinting it would only cost the hash twice.
            return -1;
        }
        var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(transport);
        var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(transport[2..]);
        return serverSide
            ? _connections.HintServerSide(protocol, source, sourcePort, destination, destinationPort)
            : _connections.HintClientSide(protocol, source, sourcePort, destination, destinationPort);
    }
}
