using System.Buffers.Binary;
using System.Net;
using Forwarder.Core.Frames;
using PacketDotNet;
using PacketDotNet.Utils;

namespace Forwarder.Core.Tests.Support;

/// <summary>ICMP frames (RFC 792) built with PacketDotNet: echo requests and errors quoting a datagram.</summary>
internal static class IcmpFrame
{
    public static byte[] EchoRequest(MacAddress source, MacAddress destination, string sourceIp, string destinationIp,
        ushort identifier, ushort sequence, byte[] data, byte ttl = 64, byte tos = 0) =>
        Build(source, destination, sourceIp, destinationIp, Message(8, 0, (uint)((identifier << 16) | sequence), data), ttl, tos);

    public static byte[] EchoReply(MacAddress source, MacAddress destination, string sourceIp, string destinationIp,
        ushort identifier, ushort sequence, byte[] data, byte ttl = 64) =>
        Build(source, destination, sourceIp, destinationIp, Message(0, 0, (uint)((identifier << 16) | sequence), data), ttl, 0);

    /// <summary>An error of <paramref name="type"/>/<paramref name="code"/> quoting <paramref name="quotedIp"/> (an IP datagram, or its start).</summary>
    public static byte[] Error(MacAddress source, MacAddress destination, string sourceIp, string destinationIp,
        byte type, byte code, uint restOfHeader, ReadOnlySpan<byte> quotedIp, byte ttl = 64) =>
        Build(source, destination, sourceIp, destinationIp, Message(type, code, restOfHeader, quotedIp), ttl, 0);

    /// <summary>The IP datagram of an Ethernet frame, cut to its IP header and the first <paramref name="transportBytes"/> bytes after it.</summary>
    public static byte[] QuoteOf(byte[] frame, int transportBytes = 8)
    {
        var headerLength = (frame[14] & 0x0F) * 4;
        return frame.AsSpan(14, headerLength + transportBytes).ToArray();
    }

    public static IcmpV4Packet Parse(ReadOnlySpan<byte> frame) => Frame.ParseEthernet(frame).Extract<IcmpV4Packet>();

    /// <summary>The datagram an ICMP error frame quotes (after the 8-byte ICMP header).</summary>
    public static byte[] QuotedOf(ReadOnlySpan<byte> frame)
    {
        var headerLength = (frame[14] & 0x0F) * 4;
        var totalLength = BinaryPrimitives.ReadUInt16BigEndian(frame[16..]);
        return frame[(14 + headerLength + 8)..(14 + totalLength)].ToArray();
    }

    private static byte[] Message(byte type, byte code, uint restOfHeader, ReadOnlySpan<byte> body)
    {
        var message = new byte[8 + body.Length];
        message[0] = type;
        message[1] = code;
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), restOfHeader);
        body.CopyTo(message.AsSpan(8));
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), ReferenceChecksum.Compute(message));
        return message;
    }

    private static byte[] Build(MacAddress source, MacAddress destination, string sourceIp, string destinationIp, byte[] message, byte ttl, byte tos)
    {
        var icmp = new IcmpV4Packet(new ByteArraySegment(message));
        var ip = new IPv4Packet(IPAddress.Parse(sourceIp), IPAddress.Parse(destinationIp)) { TimeToLive = ttl, TypeOfService = tos, PayloadPacket = icmp };
        var ethernet = new EthernetPacket(Frame.ToPhysical(source), Frame.ToPhysical(destination), EthernetType.IPv4) { PayloadPacket = ip };
        ethernet.UpdateCalculatedValues();
        ip.UpdateIPChecksum();
        return ethernet.Bytes;
    }
}
