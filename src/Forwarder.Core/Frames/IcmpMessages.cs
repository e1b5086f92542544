using System.Buffers.Binary;

namespace Forwarder.Core.Frames;

/// <summary>Builds the ICMP messages the director sends itself: echo replies and "fragmentation needed".</summary>
public static class IcmpMessages
{
    /// <summary>The frame length of an error quoting <paramref name="offending"/> (its IP packet, cut as Linux cuts it).</summary>
    public static int ErrorFrameLength(ReadOnlySpan<byte> offending) =>
        FrameLayout.EthernetHeaderLength + FrameLayout.Ipv4MinimumHeaderLength + IcmpLayout.HeaderLength + Math.Min(offending.Length, IcmpLayout.MaximumQuote);

    /// <summary>An ICMP error (type, code, the 32-bit rest-of-header word) from <paramref name="source"/> quoting <paramref name="offending"/>.</summary>
    public static void WriteError(Span<byte> frame, byte type, byte code, uint restOfHeader, ReadOnlySpan<byte> offending, uint source, uint destination, ushort identification)
    {
        var quote = offending[..Math.Min(offending.Length, IcmpLayout.MaximumQuote)];
        var icmpLength = IcmpLayout.HeaderLength + quote.Length;
        Ipv4HeaderWriter.WriteHeader(frame[FrameLayout.EthernetHeaderLength..], 0xC0, FrameLayout.Ipv4MinimumHeaderLength + icmpLength,
            identification, 0, Ipv4HeaderWriter.DefaultTtl, FrameLayout.ProtocolIcmp, source, destination);
        var icmp = frame.Slice(FrameLayout.EthernetHeaderLength + FrameLayout.Ipv4MinimumHeaderLength, icmpLength);
        icmp[IcmpLayout.Type] = type;
        icmp[IcmpLayout.Code] = code;
        BinaryPrimitives.WriteUInt16BigEndian(icmp[IcmpLayout.Checksum..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(icmp[IcmpLayout.Identifier..], restOfHeader);
        quote.CopyTo(icmp[IcmpLayout.HeaderLength..]);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[IcmpLayout.Checksum..], InternetChecksum.Compute(icmp));
    }

    /// <summary>
    /// Turns the echo request in <paramref name="frame"/> (already copied to the output) into its reply, as
    /// Linux's icmp_echo: same identifier, sequence and data, from the address that was pinged, default TTL.
    /// </summary>
    public static void TurnIntoEchoReply(Span<byte> frame, in PacketFields fields, ushort identification)
    {
        var ip = frame[FrameLayout.EthernetHeaderLength..];
        var icmp = frame.Slice(fields.TransportOffset, fields.TotalLength - fields.IpHeaderLength);
        // The reply carries no IP options: rebuild a plain header and move the ICMP message up behind it.
        var tos = ip[FrameLayout.Ipv4Tos];
        if (fields.IpHeaderLength != FrameLayout.Ipv4MinimumHeaderLength)
        {
            icmp.CopyTo(ip[FrameLayout.Ipv4MinimumHeaderLength..]);
            icmp = ip.Slice(FrameLayout.Ipv4MinimumHeaderLength, icmp.Length);
        }
        Ipv4HeaderWriter.WriteHeader(ip, tos, FrameLayout.Ipv4MinimumHeaderLength + icmp.Length, identification, 0,
            Ipv4HeaderWriter.DefaultTtl, FrameLayout.ProtocolIcmp, fields.Destination, fields.Source);
        icmp[IcmpLayout.Type] = IcmpLayout.EchoReply;
        icmp[IcmpLayout.Code] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(icmp[IcmpLayout.Checksum..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[IcmpLayout.Checksum..], InternetChecksum.Compute(icmp));
    }
}
