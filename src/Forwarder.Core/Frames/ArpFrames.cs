using System.Buffers.Binary;

namespace Forwarder.Core.Frames;

/// <summary>Reads and writes ARP for IPv4 over Ethernet (RFC 826) in place.</summary>
public static class ArpFrames
{
    public const int FrameLength = FrameLayout.EthernetHeaderLength + FrameLayout.ArpLength;

    /// <summary>The fields of an ARP packet, or false when the frame is not IPv4-over-Ethernet ARP.</summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, out ushort operation, out MacAddress senderMac, out uint senderAddress, out uint targetAddress)
    {
        operation = 0;
        senderMac = MacAddress.Zero;
        senderAddress = targetAddress = 0;
        if (frame.Length < FrameLength)
        {
            return false;
        }
        var arp = frame[FrameLayout.EthernetHeaderLength..];
        // Hardware type 1 (Ethernet), protocol IPv4, address lengths 6 and 4.
        if (BinaryPrimitives.ReadUInt16BigEndian(arp) != 1 || BinaryPrimitives.ReadUInt16BigEndian(arp[2..]) != FrameLayout.EtherTypeIpv4 ||
            arp[4] != MacAddress.Length || arp[5] != 4)
        {
            return false;
        }
        operation = BinaryPrimitives.ReadUInt16BigEndian(arp[FrameLayout.ArpOperation..]);
        senderMac = MacAddress.Read(arp[FrameLayout.ArpSenderMac..]);
        senderAddress = BinaryPrimitives.ReadUInt32BigEndian(arp[FrameLayout.ArpSenderAddress..]);
        targetAddress = BinaryPrimitives.ReadUInt32BigEndian(arp[FrameLayout.ArpTargetAddress..]);
        return true;
    }

    /// <summary>Writes a complete ARP frame (42 bytes) into <paramref name="frame"/>.</summary>
    public static void Write(Span<byte> frame, ushort operation, MacAddress ethernetDestination, MacAddress senderMac, uint senderAddress, MacAddress targetMac, uint targetAddress)
    {
        ethernetDestination.Write(frame[FrameLayout.EthernetDestination..]);
        senderMac.Write(frame[FrameLayout.EthernetSource..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[FrameLayout.EtherTypeOffset..], FrameLayout.EtherTypeArp);
        var arp = frame[FrameLayout.EthernetHeaderLength..];
        BinaryPrimitives.WriteUInt16BigEndian(arp, 1);
        BinaryPrimitives.WriteUInt16BigEndian(arp[2..], FrameLayout.EtherTypeIpv4);
        arp[4] = MacAddress.Length;
        arp[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(arp[FrameLayout.ArpOperation..], operation);
        senderMac.Write(arp[FrameLayout.ArpSenderMac..]);
        BinaryPrimitives.WriteUInt32BigEndian(arp[FrameLayout.ArpSenderAddress..], senderAddress);
        targetMac.Write(arp[FrameLayout.ArpTargetMac..]);
        BinaryPrimitives.WriteUInt32BigEndian(arp[FrameLayout.ArpTargetAddress..], targetAddress);
    }
}
