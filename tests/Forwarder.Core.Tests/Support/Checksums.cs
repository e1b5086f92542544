using System.Buffers.Binary;
using Forwarder.Core.Transmit;
using PacketDotNet;

namespace Forwarder.Core.Tests.Support;

/// <summary>
/// Verifies every checksum of an output frame with PacketDotNet (IP header, TCP, UDP, ICMP) and, for what
/// PacketDotNet does not look into (a quoted datagram's header), with the reference checksum.
/// </summary>
internal static class Checksums
{
    public static void AssertAllValid(OutputBatch output)
    {
        for (var index = 0; index < output.Count; index++)
        {
            AssertValid(output.FrameAt(index), $"output frame {index}");
        }
    }

    public static void AssertValid(ReadOnlySpan<byte> frame, string what = "frame")
    {
        var ethernet = Frame.ParseEthernet(frame);
        if (ethernet.Type != EthernetType.IPv4)
        {
            return;
        }
        var ip = ethernet.Extract<IPv4Packet>();
        Assert.That(ip.ValidIPChecksum, Is.True, $"{what}: IP header checksum");
        // More-fragments bit or a non-zero offset: the transport checksum spans fragments, nothing to verify here.
        if ((BinaryPrimitives.ReadUInt16BigEndian(frame[20..]) & 0x3FFF) != 0)
        {
            return;
        }
        switch (ip.Protocol)
        {
            case ProtocolType.Tcp:
                Assert.That(ethernet.Extract<TcpPacket>().ValidTcpChecksum, Is.True, $"{what}: TCP checksum");
                break;
            case ProtocolType.Udp:
                Assert.That(ReferenceChecksum.TransportIsValid(frame), Is.True, $"{what}: UDP checksum");
                break;
            case ProtocolType.Icmp:
                var icmp = ethernet.Extract<IcmpV4Packet>();
                Assert.That(icmp.ValidIcmpChecksum, Is.True, $"{what}: ICMP checksum");
                var type = frame[14 + ip.HeaderLength * 4];
                if (type is 3 or 4 or 11 or 12)
                {
                    var quoted = IcmpFrame.QuotedOf(frame);
                    var quotedHeader = (quoted[0] & 0x0F) * 4;
                    Assert.That(ReferenceChecksum.Sum(0, quoted.AsSpan(0, quotedHeader)), Is.EqualTo(0xFFFF), $"{what}: quoted IP header checksum");
                }
                break;
            case ProtocolType.IPv4:
                var inner = frame[(14 + (ip.HeaderLength * 4))..];
                var innerHeader = (inner[0] & 0x0F) * 4;
                Assert.That(ReferenceChecksum.Sum(0, inner[..innerHeader]), Is.EqualTo(0xFFFF), $"{what}: inner IP header checksum");
                break;
        }
    }
}
