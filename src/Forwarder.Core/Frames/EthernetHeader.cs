using System.Buffers.Binary;

namespace Forwarder.Core.Frames;

/// <summary>The Ethernet header of a frame whose IP packet is already in place: the EtherType follows the IP version.</summary>
public static class EthernetHeader
{
    public static void Write(Span<byte> frame, MacAddress destination, MacAddress source)
    {
        destination.Write(frame[FrameLayout.EthernetDestination..]);
        source.Write(frame[FrameLayout.EthernetSource..]);
        var etherType = (frame[FrameLayout.EthernetHeaderLength] >> 4) == 6 ? FrameLayout.EtherTypeIpv6 : FrameLayout.EtherTypeIpv4;
        BinaryPrimitives.WriteUInt16BigEndian(frame[FrameLayout.EtherTypeOffset..], etherType);
    }
}
