using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;

namespace Forwarder.CaptureBuilder.Frames;

/// <summary>
/// Neighbour Solicitations and Advertisements (RFC 4861 4.3, 4.4) as hosts send them: hop limit 255, the sender's
/// link-layer address option (a solicitation's source, an advertisement's target), the ICMPv6 checksum over the
/// IPv6 pseudo-header (RFC 8200 8.1) computed here byte by byte.
/// </summary>
public static class NeighborDiscoveryFrameFactory
{
    private const byte NeighborSolicitation = 135;
    private const byte NeighborAdvertisement = 136;
    private const uint SolicitedFlag = 0x4000_0000;
    private const uint OverrideFlag = 0x2000_0000;

    /// <summary>A solicitation for <paramref name="target"/> to its solicited-node group, ff02::1:ffXX:XXXX at 33:33:ff:XX:XX:XX.</summary>
    public static byte[] Solicitation(NetworkHost sender, IPAddress target)
    {
        var targetBytes = target.GetAddressBytes();
        var group = IPAddress.Parse($"ff02::1:ff{targetBytes[13]:x2}:{targetBytes[14]:x2}{targetBytes[15]:x2}");
        var groupMac = new PhysicalAddress([0x33, 0x33, 0xFF, targetBytes[13], targetBytes[14], targetBytes[15]]);
        return Build(sender.Mac, groupMac, sender.Address, group, NeighborSolicitation, 0, target, optionType: 1);
    }

    /// <summary>A solicited advertisement with Override, for the sender's own address, to the host that asked.</summary>
    public static byte[] SolicitedAdvertisement(NetworkHost sender, NetworkHost asker) =>
        Build(sender.Mac, asker.Mac, sender.Address, asker.Address, NeighborAdvertisement, SolicitedFlag | OverrideFlag, sender.Address, optionType: 2);

    private static byte[] Build(PhysicalAddress sourceMac, PhysicalAddress destinationMac, IPAddress source, IPAddress destination, byte type, uint flags,
        IPAddress target, byte optionType)
    {
        const int messageLength = 32;
        var frame = new byte[14 + 40 + messageLength];
        destinationMac.GetAddressBytes().CopyTo(frame, 0);
        sourceMac.GetAddressBytes().CopyTo(frame, 6);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x86DD);
        var ip = frame.AsSpan(14);
        ip[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], messageLength);
        ip[6] = 58;
        ip[7] = 255;
        source.GetAddressBytes().CopyTo(ip[8..]);
        destination.GetAddressBytes().CopyTo(ip[24..]);
        var message = ip[40..];
        message[0] = type;
        BinaryPrimitives.WriteUInt32BigEndian(message[4..], flags);
        target.GetAddressBytes().CopyTo(message[8..]);
        message[24] = optionType;
        message[25] = 1;
        sourceMac.GetAddressBytes().CopyTo(message[26..]);
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], Checksum(ip[8..40], message));
        return frame;
    }

    private static ushort Checksum(ReadOnlySpan<byte> addresses, ReadOnlySpan<byte> message)
    {
        uint sum = 0;
        for (var i = 0; i < addresses.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(addresses[i..]);
        }
        sum += (uint)message.Length + 58;
        for (var i = 0; i < message.Length; i += 2)
        {
            sum += i + 1 < message.Length ? BinaryPrimitives.ReadUInt16BigEndian(message[i..]) : (uint)(message[i] << 8);
        }
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (ushort)~sum;
    }
}
