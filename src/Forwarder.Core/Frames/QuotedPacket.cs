using System.Buffers.Binary;

namespace Forwarder.Core.Frames;

/// <summary>The datagram an ICMP error quotes: its IP header and the first eight bytes after it (the ports).</summary>
public readonly ref struct QuotedPacket
{
    private QuotedPacket(int offset, int headerLength, byte protocol, uint source, uint destination, ushort sourcePort, ushort destinationPort)
    {
        Offset = offset;
        HeaderLength = headerLength;
        Protocol = protocol;
        Source = source;
        Destination = destination;
        SourcePort = sourcePort;
        DestinationPort = destinationPort;
    }

    /// <summary>Where the quoted IP header starts in the frame.</summary>
    public int Offset { get; }

    public int HeaderLength { get; }

    public byte Protocol { get; }

    public uint Source { get; }

    public uint Destination { get; }

    public InetAddress SourceAddress => InetAddress.FromIpv4(Source);

    public InetAddress DestinationAddress => InetAddress.FromIpv4(Destination);

    public ushort SourcePort { get; }

    public ushort DestinationPort { get; }

    /// <summary>Reads the quote of the ICMP error in <paramref name="frame"/>; false when it is too short to name a flow.</summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, in PacketFields outer, out QuotedPacket quoted)
    {
        quoted = default;
        var offset = outer.TransportOffset + IcmpLayout.HeaderLength;
        var end = FrameLayout.EthernetHeaderLength + outer.TotalLength;
        if (end - offset < FrameLayout.Ipv4MinimumHeaderLength)
        {
            return false;
        }
        var ip = frame[offset..end];
        var headerLength = (ip[FrameLayout.Ipv4VersionAndLength] & 0x0F) * 4;
        if ((ip[FrameLayout.Ipv4VersionAndLength] >> 4) != 4 || headerLength < FrameLayout.Ipv4MinimumHeaderLength || ip.Length < headerLength + 8)
        {
            return false;
        }
        var protocol = ip[FrameLayout.Ipv4Protocol];
        var ports = ip[headerLength..];
        quoted = new QuotedPacket(offset, headerLength, protocol,
            BinaryPrimitives.ReadUInt32BigEndian(ip[FrameLayout.Ipv4Source..]),
            BinaryPrimitives.ReadUInt32BigEndian(ip[FrameLayout.Ipv4Destination..]),
            BinaryPrimitives.ReadUInt16BigEndian(ports[FrameLayout.SourcePort..]),
            BinaryPrimitives.ReadUInt16BigEndian(ports[FrameLayout.DestinationPort..]));
        return true;
    }
}
