using System.Buffers.Binary;
using System.Net;
using Forwarder.Core.Frames;
using PacketDotNet;

namespace Forwarder.Core.Tests.Support;

/// <summary>IPv6 TCP/UDP frames built with PacketDotNet, and ICMPv6 errors quoting them with a checksum from the RFC's definition.</summary>
internal static class Icmpv6ErrorFrame
{
    public static byte[] Tcp(MacAddress source, MacAddress destination, string sourceIp, ushort sourcePort, string destinationIp, ushort destinationPort,
        int payload = 0, byte hopLimit = 64, byte trafficClass = 0, bool syn = true)
    {
        var tcp = new TcpPacket(sourcePort, destinationPort) { Synchronize = syn, Acknowledgment = !syn, SequenceNumber = 0x1000_0000, WindowSize = 64240 };
        tcp.PayloadData = Enumerable.Range(0, payload).Select(i => (byte)(i * 13)).ToArray();
        var ip = new IPv6Packet(IPAddress.Parse(sourceIp), IPAddress.Parse(destinationIp)) { HopLimit = hopLimit, TrafficClass = trafficClass, PayloadPacket = tcp };
        var ethernet = new EthernetPacket(Frame.ToPhysical(source), Frame.ToPhysical(destination), EthernetType.IPv6) { PayloadPacket = ip };
        ethernet.UpdateCalculatedValues();
        tcp.UpdateTcpChecksum();
        return ethernet.Bytes;
    }

    /// <summary>An ICMPv6 error frame quoting <paramref name="quotedIp"/>, its checksum computed naively over the pseudo-header.</summary>
    public static byte[] Error(MacAddress source, MacAddress destination, string sourceIp, string destinationIp,
        byte type, byte code, uint restOfHeader, ReadOnlySpan<byte> quotedIp, byte hopLimit = 64)
    {
        var message = new byte[8 + quotedIp.Length];
        message[0] = type;
        message[1] = code;
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), restOfHeader);
        quotedIp.CopyTo(message.AsSpan(8));
        var frame = new byte[14 + 40 + message.Length];
        source.Write(frame.AsSpan(6));
        destination.Write(frame);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), FrameLayout.EtherTypeIpv6);
        var ip = frame.AsSpan(14);
        ip[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)message.Length);
        ip[6] = 58;
        ip[7] = hopLimit;
        IPAddress.Parse(sourceIp).GetAddressBytes().CopyTo(ip[8..]);
        IPAddress.Parse(destinationIp).GetAddressBytes().CopyTo(ip[24..]);
        message.CopyTo(ip[40..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[42..], (ushort)~ChecksumSum(frame));
        return frame;
    }

    /// <summary>
    /// The ones'-complement sum of an ICMPv6 frame's pseudo-header (RFC 8200 8.1) and message, checksum included, by
    /// the naive reference sum: 0xFFFF when the checksum holds.
    /// </summary>
    public static ushort ChecksumSum(ReadOnlySpan<byte> frame)
    {
        var ip = frame[14..];
        var length = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
        var pseudo = new byte[40];
        ip.Slice(8, 32).CopyTo(pseudo);
        BinaryPrimitives.WriteUInt32BigEndian(pseudo.AsSpan(32), length);
        pseudo[39] = 58;
        return ReferenceChecksum.Sum(ReferenceChecksum.Sum(0, pseudo), ip.Slice(40, length));
    }

    public static IPv6Packet ParseIpv6(ReadOnlySpan<byte> frame) => Frame.ParseEthernet(frame).Extract<IPv6Packet>();
}
