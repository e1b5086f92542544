using System.Buffers.Binary;

namespace Forwarder.Core.Frames;

/// <summary>ICMPv6 error messages (RFC 4443 section 3): their types, which IPVS relays, and the ones the director sends itself.</summary>
public static class Icmpv6Errors
{
    public const byte DestinationUnreachable = 1;
    public const byte PacketTooBig = 2;
    public const byte TimeExceeded = 3;
    public const byte ParameterProblem = 4;

    /// <summary>Destination Unreachable's "port unreachable" code.</summary>
    public const byte PortUnreachable = 4;

    /// <summary>The IPv6 minimum link MTU (RFC 8200 5): no error the director sends is longer.</summary>
    public const int MinimumMtu = 1280;

    /// <summary>
    /// As icmp6_send: an error quotes as much of the offending packet as keeps the whole error within the minimum MTU
    /// (RFC 4443 2.4 (c)): 1280 - 40 - 8 bytes.
    /// </summary>
    public const int MaximumQuote = MinimumMtu - Ipv6Layout.HeaderLength - IcmpLayout.HeaderLength;

    /// <summary>
    /// The errors ip_vs_in_icmp_v6 and ip_vs_out_icmp_v6 relay for a connection: destination unreachable, packet too
    /// big, time exceeded (a parameter problem and every informational message, type 128 and up, are not relayed).
    /// </summary>
    public static bool IsRelayed(byte type) => type is DestinationUnreachable or PacketTooBig or TimeExceeded;

    /// <summary>The frame length of an error quoting <paramref name="offendingLength"/> bytes of IPv6 packet, cut to the quote.</summary>
    public static int ErrorFrameLength(int offendingLength) =>
        FrameLayout.EthernetHeaderLength + Ipv6Layout.HeaderLength + IcmpLayout.HeaderLength + Math.Min(offendingLength, MaximumQuote);

    /// <summary>
    /// Writes, from the IP header on, an ICMPv6 error (type, code, the 32-bit word after the checksum) from
    /// <paramref name="source"/> to <paramref name="destination"/> quoting the start of <paramref name="offending"/>,
    /// hop limit 64, traffic class 0, its checksum over the pseudo-header.
    /// </summary>
    public static void WriteError(Span<byte> frame, byte type, byte code, uint restOfHeader, ReadOnlySpan<byte> offending, InetAddress source, InetAddress destination)
    {
        var quote = offending[..Math.Min(offending.Length, MaximumQuote)];
        var messageLength = IcmpLayout.HeaderLength + quote.Length;
        var ip = frame[FrameLayout.EthernetHeaderLength..];
        Ipv6HeaderWriter.WriteHeader(ip, 0, messageLength, Ipv6Layout.ProtocolIcmpv6, Ipv6HeaderWriter.DefaultHopLimit, source, destination);
        var message = ip.Slice(Ipv6Layout.HeaderLength, messageLength);
        message[IcmpLayout.Type] = type;
        message[IcmpLayout.Code] = code;
        BinaryPrimitives.WriteUInt16BigEndian(message[IcmpLayout.Checksum..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(message[IcmpLayout.Identifier..], restOfHeader);
        quote.CopyTo(message[IcmpLayout.HeaderLength..]);
        BinaryPrimitives.WriteUInt16BigEndian(message[IcmpLayout.Checksum..], Icmpv6Messages.Checksum(source, destination, message));
    }

    /// <summary>
    /// Packet Too Big (RFC 4443 3.2) about <paramref name="offending"/>, the IPv6 packet a client sent: from the address
    /// it was sent to, back to its sender, with the MTU it must use.
    /// </summary>
    public static void WritePacketTooBig(Span<byte> frame, ReadOnlySpan<byte> offending, int mtu) =>
        WriteError(frame, PacketTooBig, 0, (uint)mtu, offending,
            InetAddress.ReadIpv6(offending[Ipv6Layout.Destination..]), InetAddress.ReadIpv6(offending[Ipv6Layout.Source..]));
}
