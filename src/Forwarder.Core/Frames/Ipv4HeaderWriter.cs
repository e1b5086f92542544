using System.Buffers.Binary;

namespace Forwarder.Core.Frames;

/// <summary>Writes the IPv4 headers of frames the director makes itself, and the Ethernet header of every IPv4 frame it sends (see EthernetTransmitter).</summary>
public static class Ipv4HeaderWriter
{
    public const byte DefaultTtl = 64;

    public static void WriteEthernet(Span<byte> frame, MacAddress destination, MacAddress source)
    {
        destination.Write(frame[FrameLayout.EthernetDestination..]);
        source.Write(frame[FrameLayout.EthernetSource..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[FrameLayout.EtherTypeOffset..], FrameLayout.EtherTypeIpv4);
    }

    /// <summary>A 20-byte IPv4 header with its checksum, at <paramref name="ip"/>.</summary>
    public static void WriteHeader(Span<byte> ip, byte tos, int totalLength, ushort identification, ushort flagsAndFragment, byte ttl, byte protocol, uint source, uint destination)
    {
        ip[FrameLayout.Ipv4VersionAndLength] = 0x45;
        ip[FrameLayout.Ipv4Tos] = tos;
        BinaryPrimitives.WriteUInt16BigEndian(ip[FrameLayout.Ipv4TotalLength..], (ushort)totalLength);
        BinaryPrimitives.WriteUInt16BigEndian(ip[FrameLayout.Ipv4Identification..], identification);
        BinaryPrimitives.WriteUInt16BigEndian(ip[FrameLayout.Ipv4FlagsAndFragment..], flagsAndFragment);
        ip[FrameLayout.Ipv4Ttl] = ttl;
        ip[FrameLayout.Ipv4Protocol] = protocol;
        BinaryPrimitives.WriteUInt16BigEndian(ip[FrameLayout.Ipv4Checksum..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(ip[FrameLayout.Ipv4Source..], source);
        BinaryPrimitives.WriteUInt32BigEndian(ip[FrameLayout.Ipv4Destination..], destination);
        RecomputeChecksum(ip);
    }

    /// <summary>Recomputes the header checksum of the IPv4 header at the start of <paramref name="ip"/> (any IHL).</summary>
    public static void RecomputeChecksum(Span<byte> ip)
    {
        var headerLength = (ip[FrameLayout.Ipv4VersionAndLength] & 0x0F) * 4;
        BinaryPrimitives.WriteUInt16BigEndian(ip[FrameLayout.Ipv4Checksum..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(ip[FrameLayout.Ipv4Checksum..], InternetChecksum.Compute(ip[..headerLength]));
    }
}
