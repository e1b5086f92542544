using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Forwarder.Core.Frames;
using Forwarder.Core.Topology;

namespace Forwarder.Core.Engine;

/// <summary>
/// Frames taken a group at a time, as a batching data plane does: every frame's connection lookup is hinted into
/// the cache first (its index line, then the entry it names), so that the group's cache misses overlap instead of
/// each frame waiting out its own; then the caller processes the frames one by one, in order, with
/// <see cref="Process"/>. The hints read only the 5-tuple and change nothing, so the outcome is the same.
/// Each hinted flow's hash is kept with its 5-tuple, and the frame's lookup takes it rather than hash again, but
/// only when the frame <see cref="Process"/> parsed is that flow: a caller that strays from the order costs a hash,
/// never a wrong lookup.
/// </summary>
public sealed partial class DirectorEngine
{
    /// <summary>Frames hinted together: enough misses in flight to cover a memory latency, few enough to stay in cache.</summary>
    public const int GroupSize = 8;

    private readonly HintedFlow[] _hinted = new HintedFlow[GroupSize];
    // The latest group's hinted frames, and the place in it of the next frame Process takes.
    private int _hintedCount;
    private int _hintedNext;

    /// <summary>
    /// Hints the lookups of <paramref name="count"/> (at most <see cref="GroupSize"/>) frames that came in on one
    /// interface, frame <c>i</c> being <c>frames[i][..lengths[i]]</c>; the caller then gives each to <see cref="Process"/>.
    /// </summary>
    public void HintGroup(ReadOnlySpan<byte[]> frames, ReadOnlySpan<int> lengths, int count, int interfaceIndex)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, GroupSize);
        _hintedNext = 0;
        _hintedCount = 0;
        if (_connections.Count < _settings.HintedTableSize)
        {
            return;
        }
        var serverSide = _interfaceRoles[interfaceIndex] != InterfaceRole.Public;
        for (var i = 0; i < count; i++)
        {
            _hinted[i].Valid = HintLookup(frames[i].AsSpan(0, lengths[i]), serverSide, ref _hinted[i]);
        }
        for (var i = 0; i < count; i++)
        {
            if (_hinted[i].Valid)
            {
                _connections.HintEntry(_hinted[i].Hash, serverSide);
            }
        }
        _hintedCount = count;
    }

    /// <summary>The place in the hinted group of the frame <see cref="Process"/> takes now, or -1 past the group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int NextHinted() => _hintedNext < _hintedCount ? _hintedNext++ : -1;

    /// <summary>
    /// The lookup hash <see cref="HintGroup"/> kept for the frame at <paramref name="hinted"/>, when the flow
    /// <paramref name="fields"/> describe, on that side, is the one it hashed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryHintedHash(int hinted, in PacketFields fields, bool serverSide, out uint hash)
    {
        hash = 0;
        if (hinted < 0)
        {
            return false;
        }
        ref var flow = ref _hinted[hinted];
        if (!flow.Valid || flow.ServerSide != serverSide || flow.Protocol != fields.Protocol ||
            flow.SourcePort != fields.SourcePort || flow.DestinationPort != fields.DestinationPort ||
            flow.Source != fields.SourceAddress || flow.Destination != fields.DestinationAddress)
        {
            return false;
        }
        hash = flow.Hash;
        return true;
    }

    /// <summary>
    /// Reads a TCP or UDP frame's 5-tuple into <paramref name="flow"/> and hints its lookup (client side from the
    /// public interface, reply side from the private one); false for anything else. Only lengths are checked:
    /// <see cref="Process"/> judges the frame.
    /// </summary>
    private bool HintLookup(ReadOnlySpan<byte> frame, bool serverSide, ref HintedFlow flow)
    {
        if (frame.Length < FrameLayout.EthernetHeaderLength + FrameLayout.Ipv4MinimumHeaderLength + 4)
        {
            return false;
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
                    return false;
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
                    return false;
                }
                protocol = ip[Ipv6Layout.NextHeader];
                source = InetAddress.ReadIpv6(ip[Ipv6Layout.Source..]);
                destination = InetAddress.ReadIpv6(ip[Ipv6Layout.Destination..]);
                transport = ip[Ipv6Layout.HeaderLength..];
                break;
            default:
                return false;
        }
        if (protocol is not (FrameLayout.ProtocolTcp or FrameLayout.ProtocolUdp))
        {
            return false;
        }
        if (protocol == FrameLayout.ProtocolTcp && transport.Length > FrameLayout.TcpFlags &&
            (transport[FrameLayout.TcpFlags] & (FrameLayout.TcpSyn | FrameLayout.TcpAck)) == FrameLayout.TcpSyn)
        {
            // A SYN nearly always opens a flow: its lookup misses, and the cache line hinted would be wasted.
            return false;
        }
        flow.Protocol = protocol;
        flow.ServerSide = serverSide;
        flow.Source = source;
        flow.Destination = destination;
        flow.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(transport);
        flow.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(transport[2..]);
        flow.Hash = serverSide
            ? _connections.HintServerSide(protocol, source, flow.SourcePort, destination, flow.DestinationPort)
            : _connections.HintClientSide(protocol, source, flow.SourcePort, destination, flow.DestinationPort);
        return true;
    }

    /// <summary>A hinted frame's 5-tuple, as its lookup will read it, and the hash HintGroup computed for it.</summary>
    private struct HintedFlow
    {
        public InetAddress Source;
        public InetAddress Destination;
        public uint Hash;
        public ushort SourcePort;
        public ushort DestinationPort;
        public byte Protocol;
        public bool ServerSide;
        public bool Valid;
    }
}
