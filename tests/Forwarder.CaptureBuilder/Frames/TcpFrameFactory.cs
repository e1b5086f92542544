using PacketDotNet;
using PacketDotNet.Utils;

namespace Forwarder.CaptureBuilder.Frames;

/// <summary>
/// Turns a <see cref="TcpSegmentSpec"/> into frame bytes with PacketDotNet, lengths and both
/// checksums computed, so every scenario's frames are built the same way.
/// </summary>
public static class TcpFrameFactory
{
    // The 3-bit IPv4 flags field as PacketDotNet exposes it: bit 1 is "don't fragment".
    private const int DontFragmentFlag = 0b010;
    private const int MinimumTcpHeaderLength = 20;
    private const int MaximumOptionsLength = 40;
    private const int DataOffsetByte = 12;

    public static byte[] Build(TcpSegmentSpec spec)
    {
        if (spec.Options.Length % 4 != 0 || spec.Options.Length > MaximumOptionsLength)
        {
            throw new ArgumentException($"TCP options must fill whole 32-bit words, at most {MaximumOptionsLength} bytes; got {spec.Options.Length}", nameof(spec));
        }

        // PacketDotNet's Options setter copies into the existing header without growing it, so
        // the header is allocated at its final size with the data offset already in place.
        var headerLength = MinimumTcpHeaderLength + spec.Options.Length;
        var header = new byte[headerLength];
        header[DataOffsetByte] = (byte)(headerLength / 4 << 4);
        var tcp = new TcpPacket(new ByteArraySegment(header))
        {
            SourcePort = spec.SourcePort,
            DestinationPort = spec.DestinationPort,
            SequenceNumber = spec.Sequence,
            AcknowledgmentNumber = spec.Acknowledgment,
            Flags = (ushort)spec.Flags,
            WindowSize = spec.Window,
        };
        if (!spec.Options.IsEmpty)
        {
            tcp.Options = spec.Options.ToArray();
        }
        tcp.PayloadData = spec.Payload.ToArray();

        if (spec.SourceAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return BuildIpv6(spec, tcp);
        }

        var ip = new IPv4Packet(spec.SourceAddress, spec.DestinationAddress)
        {
            Id = spec.IpId,
            TimeToLive = spec.TimeToLive,
            FragmentFlags = spec.DontFragment ? DontFragmentFlag : 0,
            PayloadPacket = tcp,
        };

        var ethernet = new EthernetPacket(spec.SourceMac, spec.DestinationMac, EthernetType.IPv4)
        {
            PayloadPacket = ip,
        };

        // Lengths first, then the TCP checksum (its pseudo-header needs the final IP total
        // length), then the IP header checksum over the finished header.
        ethernet.UpdateCalculatedValues();
        ip.UpdateCalculatedValues();
        tcp.UpdateTcpChecksum();
        ip.UpdateIPChecksum();

        var bytes = ethernet.Bytes;
        Verify(bytes, spec);
        return bytes;
    }

    /// <summary>The IPv6 frame: the hop limit from <see cref="TcpSegmentSpec.TimeToLive"/>; IPv6 has no ID or DF to set.</summary>
    private static byte[] BuildIpv6(TcpSegmentSpec spec, TcpPacket tcp)
    {
        var ip = new IPv6Packet(spec.SourceAddress, spec.DestinationAddress) { HopLimit = spec.TimeToLive, PayloadPacket = tcp };
        var ethernet = new EthernetPacket(spec.SourceMac, spec.DestinationMac, EthernetType.IPv6) { PayloadPacket = ip };
        ethernet.UpdateCalculatedValues();
        ip.UpdateCalculatedValues();
        tcp.UpdateTcpChecksum();
        var bytes = ethernet.Bytes;
        var decoded = Packet.ParsePacket(LinkLayers.Ethernet, bytes).Extract<TcpPacket>() ?? throw new InvalidOperationException("built frame has no TCP header");
        if (!decoded.ValidTcpChecksum || decoded.PayloadData.Length != spec.Payload.Length || ip.PayloadLength != bytes.Length - 14 - 40)
        {
            throw new InvalidOperationException($"checksum or length mismatch in frame [{spec.SourceAddress}]:{spec.SourcePort} seq {spec.Sequence}");
        }
        return bytes;
    }

    // A frame that decodes differently from its spec would silently poison every golden built
    // on it, so each one is decoded again and compared before it is written.
    private static void Verify(byte[] bytes, TcpSegmentSpec spec)
    {
        var decoded = Packet.ParsePacket(LinkLayers.Ethernet, bytes);
        var ip = decoded.Extract<IPv4Packet>() ?? throw new InvalidOperationException("built frame has no IPv4 header");
        var tcp = decoded.Extract<TcpPacket>() ?? throw new InvalidOperationException("built frame has no TCP header");
        if (!ip.ValidIPChecksum || !tcp.ValidTcpChecksum)
        {
            throw new InvalidOperationException($"checksum mismatch in frame {spec.SourceAddress}:{spec.SourcePort} seq {spec.Sequence}");
        }
        if (ip.TotalLength != bytes.Length - 14 || tcp.DataOffset * 4 != MinimumTcpHeaderLength + spec.Options.Length || tcp.PayloadData.Length != spec.Payload.Length)
        {
            throw new InvalidOperationException($"length mismatch in frame {spec.SourceAddress}:{spec.SourcePort} seq {spec.Sequence}");
        }
    }
}
