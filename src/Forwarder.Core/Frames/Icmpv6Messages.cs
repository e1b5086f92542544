using System.Buffers.Binary;

namespace Forwarder.Core.Frames;

/// <summary>ICMPv6 (RFC 4443) and Neighbour Discovery (RFC 4861) messages the director reads and writes, whole frames.</summary>
public static class Icmpv6Messages
{
    public const byte EchoRequest = 128;
    public const byte EchoReply = 129;
    public const byte NeighborSolicitation = 135;
    public const byte NeighborAdvertisement = 136;

    /// <summary>ND messages are sent with hop limit 255 and a receiver drops any other (RFC 4861 7.1.1): off-link forgeries cannot pass.</summary>
    public const byte NeighborDiscoveryHopLimit = 255;

    private const int TargetOffset = 8;
    private const int NeighborMessageLength = 24;
    private const byte SourceLinkLayerOption = 1;
    private const byte TargetLinkLayerOption = 2;
    private const uint SolicitedFlag = 0x4000_0000;
    private const uint OverrideFlag = 0x2000_0000;

    public const byte DestinationUnreachable = 1;
    public const byte PacketTooBig = 2;
    public const byte TimeExceeded = 3;
    public const byte PortUnreachable = 4;

    /// <summary>A solicitation with the source link-layer address option: 24 + 8 bytes of ICMPv6.</summary>
    public const int SolicitationFrameLength = FrameLayout.EthernetHeaderLength + Ipv6Layout.HeaderLength + NeighborMessageLength + 8;

    /// <summary>An advertisement with the target link-layer address option: 24 + 8 bytes of ICMPv6.</summary>
    public const int AdvertisementFrameLength = FrameLayout.EthernetHeaderLength + Ipv6Layout.HeaderLength + NeighborMessageLength + 8;

    /// <summary>
    /// Reads a Neighbour Solicitation as RFC 4861 7.1.1 validates one: hop limit 255, code 0, at least 24 bytes, a
    /// target that is not multicast, a valid checksum. The source's link-layer address option is returned when present.
    /// </summary>
    public static bool TryReadSolicitation(ReadOnlySpan<byte> frame, in PacketFields fields, out InetAddress target, out MacAddress? sourceMac)
    {
        target = default;
        sourceMac = null;
        var message = frame[fields.TransportOffset..(FrameLayout.EthernetHeaderLength + fields.TotalLength)];
        if (fields.Protocol != Ipv6Layout.ProtocolIcmpv6 || fields.IsFragment || fields.HopLimit != NeighborDiscoveryHopLimit ||
            message.Length < NeighborMessageLength || message[0] != NeighborSolicitation || message[1] != 0 ||
            Checksum(fields.SourceAddress, fields.DestinationAddress, message) != 0)
        {
            return false;
        }
        target = InetAddress.ReadIpv6(message[TargetOffset..]);
        if ((target.High >> 56) == 0xFF)
        {
            return false;
        }
        for (var options = message[NeighborMessageLength..]; options.Length >= 8;)
        {
            var length = options[1] * 8;
            if (length == 0 || length > options.Length)
            {
                return false;
            }
            if (options[0] == SourceLinkLayerOption)
            {
                sourceMac = MacAddress.Read(options[2..]);
            }
            options = options[length..];
        }
        return true;
    }

    /// <summary>
    /// Reads a Neighbour Advertisement as RFC 4861 7.1.2 validates one (hop limit 255, code 0, 24 bytes or more, a
    /// target that is not multicast, a valid checksum, no Solicited flag on one sent to a multicast address): its
    /// target, its Solicited and Override flags and the target link-layer address option when present.
    /// </summary>
    public static bool TryReadAdvertisement(ReadOnlySpan<byte> frame, in PacketFields fields, out InetAddress target, out MacAddress? targetMac,
        out bool solicited, out bool overrideFlag)
    {
        target = default;
        targetMac = null;
        solicited = overrideFlag = false;
        var message = frame[fields.TransportOffset..(FrameLayout.EthernetHeaderLength + fields.TotalLength)];
        if (fields.Protocol != Ipv6Layout.ProtocolIcmpv6 || fields.IsFragment || fields.HopLimit != NeighborDiscoveryHopLimit ||
            message.Length < NeighborMessageLength || message[0] != NeighborAdvertisement || message[1] != 0 ||
            Checksum(fields.SourceAddress, fields.DestinationAddress, message) != 0)
        {
            return false;
        }
        var flags = BinaryPrimitives.ReadUInt32BigEndian(message[4..]);
        solicited = (flags & SolicitedFlag) != 0;
        overrideFlag = (flags & OverrideFlag) != 0;
        target = InetAddress.ReadIpv6(message[TargetOffset..]);
        if ((target.High >> 56) == 0xFF || (solicited && (fields.DestinationAddress.High >> 56) == 0xFF))
        {
            return false;
        }
        for (var options = message[NeighborMessageLength..]; options.Length >= 8;)
        {
            var length = options[1] * 8;
            if (length == 0 || length > options.Length)
            {
                return false;
            }
            if (options[0] == TargetLinkLayerOption)
            {
                targetMac = MacAddress.Read(options[2..]);
            }
            options = options[length..];
        }
        return true;
    }

    /// <summary>ff02::1:ffXX:XXXX, the solicited-node multicast group of <paramref name="target"/> (RFC 4291 2.7.1).</summary>
    public static InetAddress SolicitedNode(InetAddress target) =>
        InetAddress.FromIpv6(0xFF02_0000_0000_0000UL, 0x0000_0001_FF00_0000UL | (target.Low & 0xFF_FFFFUL));

    /// <summary>The Ethernet group of an IPv6 multicast address: 33:33 and its last 32 bits (RFC 2464 7).</summary>
    public static MacAddress MulticastMac(InetAddress group) => new(0x3333_0000_0000UL | (group.Low & 0xFFFF_FFFFUL));

    /// <summary>
    /// Writes a Neighbour Solicitation for <paramref name="target"/>, as ndisc_send_ns: to <paramref name="destination"/>
    /// (the target's solicited-node group, or the target itself when re-probing a kept MAC), hop limit 255, with our MAC
    /// in the source link-layer address option.
    /// </summary>
    public static void WriteSolicitation(Span<byte> frame, MacAddress destinationMac, MacAddress ourMac, InetAddress source, InetAddress destination, InetAddress target)
    {
        destinationMac.Write(frame);
        ourMac.Write(frame[FrameLayout.EthernetSource..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[FrameLayout.EtherTypeOffset..], FrameLayout.EtherTypeIpv6);
        var ip = frame[FrameLayout.EthernetHeaderLength..];
        WriteIpv6Header(ip, NeighborMessageLength + 8, NeighborDiscoveryHopLimit, source, destination);
        var message = ip[Ipv6Layout.HeaderLength..(Ipv6Layout.HeaderLength + NeighborMessageLength + 8)];
        message.Clear();
        message[0] = NeighborSolicitation;
        target.WriteIpv6(message[TargetOffset..]);
        message[NeighborMessageLength] = SourceLinkLayerOption;
        message[NeighborMessageLength + 1] = 1;
        ourMac.Write(message[(NeighborMessageLength + 2)..]);
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], Checksum(source, destination, message));
    }

    /// <summary>
    /// How long an ICMPv6 error quoting <paramref name="offendingIp"/> is: as icmp6_send, as much of the packet as keeps
    /// the error within the IPv6 minimum MTU (1280).
    /// </summary>
    public static int ErrorFrameLength(ReadOnlySpan<byte> offendingIp) =>
        FrameLayout.EthernetHeaderLength + Ipv6Layout.HeaderLength + 8 + Math.Min(offendingIp.Length, MinimumMtu - Ipv6Layout.HeaderLength - 8);

    /// <summary>Writes an ICMPv6 error (RFC 4443: type, code, 32 bits of parameter, then the offending packet), all but the Ethernet addresses.</summary>
    public static void WriteError(Span<byte> frame, byte type, byte code, uint parameter, ReadOnlySpan<byte> offendingIp, InetAddress source, InetAddress destination, byte hopLimit)
    {
        BinaryPrimitives.WriteUInt16BigEndian(frame[FrameLayout.EtherTypeOffset..], FrameLayout.EtherTypeIpv6);
        var quoted = frame.Length - FrameLayout.EthernetHeaderLength - Ipv6Layout.HeaderLength - 8;
        var ip = frame[FrameLayout.EthernetHeaderLength..];
        WriteIpv6Header(ip, 8 + quoted, hopLimit, source, destination);
        var message = ip[Ipv6Layout.HeaderLength..];
        message[0] = type;
        message[1] = code;
        message[2] = message[3] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(message[4..], parameter);
        offendingIp[..quoted].CopyTo(message[8..]);
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], Checksum(source, destination, message));
    }

    private const int MinimumMtu = 1280;

    /// <summary>
    /// Writes a solicited advertisement for <paramref name="target"/>: to the soliciting host, or to all nodes (ff02::1,
    /// not solicited) when it asked from :: (duplicate address detection), with Override set and our MAC in the option.
    /// </summary>
    public static void WriteAdvertisement(Span<byte> frame, MacAddress destinationMac, MacAddress ourMac, InetAddress target, InetAddress destination)
    {
        var solicited = !(destination.High == 0 && destination.Low == 0);
        if (!solicited)
        {
            destination = AllNodes;
            destinationMac = new MacAddress(0x3333_0000_0001UL);
        }
        destinationMac.Write(frame);
        ourMac.Write(frame[FrameLayout.EthernetSource..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[FrameLayout.EtherTypeOffset..], FrameLayout.EtherTypeIpv6);
        var ip = frame[FrameLayout.EthernetHeaderLength..];
        WriteIpv6Header(ip, NeighborMessageLength + 8, NeighborDiscoveryHopLimit, target, destination);
        var message = ip[Ipv6Layout.HeaderLength..(Ipv6Layout.HeaderLength + NeighborMessageLength + 8)];
        message.Clear();
        message[0] = NeighborAdvertisement;
        BinaryPrimitives.WriteUInt32BigEndian(message[4..], (solicited ? SolicitedFlag : 0) | OverrideFlag);
        target.WriteIpv6(message[TargetOffset..]);
        message[NeighborMessageLength] = TargetLinkLayerOption;
        message[NeighborMessageLength + 1] = 1;
        ourMac.Write(message[(NeighborMessageLength + 2)..]);
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], Checksum(target, destination, message));
    }

    /// <summary>Writes an echo reply to a request: addresses swapped, type 129, the identifier, sequence and data kept.</summary>
    public static void WriteEchoReply(Span<byte> frame, ReadOnlySpan<byte> request, in PacketFields fields, MacAddress ourMac, byte hopLimit)
    {
        MacAddress.Read(request[FrameLayout.EthernetSource..]).Write(frame);
        ourMac.Write(frame[FrameLayout.EthernetSource..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[FrameLayout.EtherTypeOffset..], FrameLayout.EtherTypeIpv6);
        var message = request[fields.TransportOffset..(FrameLayout.EthernetHeaderLength + fields.TotalLength)];
        var ip = frame[FrameLayout.EthernetHeaderLength..];
        WriteIpv6Header(ip, message.Length, hopLimit, fields.DestinationAddress, fields.SourceAddress);
        var reply = ip[Ipv6Layout.HeaderLength..(Ipv6Layout.HeaderLength + message.Length)];
        message.CopyTo(reply);
        reply[0] = EchoReply;
        reply[2] = reply[3] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(reply[2..], Checksum(fields.DestinationAddress, fields.SourceAddress, reply));
    }

    /// <summary>The length of the echo reply frame to <paramref name="fields"/>' request (its extension headers left out).</summary>
    public static int EchoReplyFrameLength(in PacketFields fields) =>
        FrameLayout.EthernetHeaderLength + Ipv6Layout.HeaderLength + (FrameLayout.EthernetHeaderLength + fields.TotalLength - fields.TransportOffset);

    /// <summary>The ICMPv6 checksum over the pseudo-header and the message (0 over a message whose checksum holds).</summary>
    public static ushort Checksum(InetAddress source, InetAddress destination, ReadOnlySpan<byte> message)
    {
        Span<byte> pseudo = stackalloc byte[40];
        source.WriteIpv6(pseudo);
        destination.WriteIpv6(pseudo[16..]);
        BinaryPrimitives.WriteUInt32BigEndian(pseudo[32..], (uint)message.Length);
        BinaryPrimitives.WriteUInt32BigEndian(pseudo[36..], Ipv6Layout.ProtocolIcmpv6);
        return InternetChecksum.Finish(InternetChecksum.Add(InternetChecksum.Add(0, pseudo), message));
    }

    /// <summary>ff02::1, all nodes on the link.</summary>
    public static readonly InetAddress AllNodes = InetAddress.FromIpv6(0xFF02_0000_0000_0000UL, 1);

    private static void WriteIpv6Header(Span<byte> ip, int payloadLength, byte hopLimit, InetAddress source, InetAddress destination)
    {
        ip[..Ipv6Layout.HeaderLength].Clear();
        ip[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(ip[Ipv6Layout.PayloadLength..], (ushort)payloadLength);
        ip[Ipv6Layout.NextHeader] = Ipv6Layout.ProtocolIcmpv6;
        ip[Ipv6Layout.HopLimit] = hopLimit;
        source.WriteIpv6(ip[Ipv6Layout.Source..]);
        destination.WriteIpv6(ip[Ipv6Layout.Destination..]);
    }
}
