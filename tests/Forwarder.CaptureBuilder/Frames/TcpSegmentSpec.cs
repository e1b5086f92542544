using System.Net;
using System.Net.NetworkInformation;

namespace Forwarder.CaptureBuilder.Frames;

/// <summary>
/// Everything that fixes the bytes of one Ethernet/IPv4/TCP frame. The link addresses are
/// separate from the IP ones because a director's frames carry the next hop's MAC, not the
/// final destination's.
/// </summary>
public sealed record TcpSegmentSpec
{
    public required PhysicalAddress SourceMac { get; init; }
    public required PhysicalAddress DestinationMac { get; init; }
    public required IPAddress SourceAddress { get; init; }
    public required IPAddress DestinationAddress { get; init; }
    public required ushort SourcePort { get; init; }
    public required ushort DestinationPort { get; init; }
    public required uint Sequence { get; init; }
    public uint Acknowledgment { get; init; }
    public required TcpControlBits Flags { get; init; }
    public required ushort Window { get; init; }
    public required ushort IpId { get; init; }
    public required byte TimeToLive { get; init; }
    public bool DontFragment { get; init; } = true;

    /// <summary>Raw option bytes, already padded to a multiple of four.</summary>
    public ReadOnlyMemory<byte> Options { get; init; } = ReadOnlyMemory<byte>.Empty;

    public ReadOnlyMemory<byte> Payload { get; init; } = ReadOnlyMemory<byte>.Empty;
}
