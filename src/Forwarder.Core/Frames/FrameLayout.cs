namespace Forwarder.Core.Frames;

/// <summary>Byte offsets of the header fields the engine reads and edits, named once (Ethernet II, IPv4, TCP, UDP, ARP).</summary>
public static class FrameLayout
{
    public const int EthernetDestination = 0;
    public const int EthernetSource = 6;
    public const int EtherTypeOffset = 12;
    public const int EthernetHeaderLength = 14;

    /// <summary>The longest frame an interface can hand over: a GRO-merged IPv6 packet of the largest payload, with its headers.</summary>
    public const int MaximumFrameLength = EthernetHeaderLength + 40 + 65535;

    public const ushort EtherTypeIpv4 = 0x0800;
    public const ushort EtherTypeArp = 0x0806;
    public const ushort EtherTypeVlan = 0x8100;
    public const ushort EtherTypeIpv6 = 0x86DD;

    // IPv4, relative to the start of the IP header.
    public const int Ipv4MinimumHeaderLength = 20;
    public const int Ipv4VersionAndLength = 0;
    public const int Ipv4Tos = 1;
    public const int Ipv4TotalLength = 2;
    public const int Ipv4Identification = 4;
    public const int Ipv4FlagsAndFragment = 6;
    public const int Ipv4Ttl = 8;
    public const int Ipv4Protocol = 9;
    public const int Ipv4Checksum = 10;
    public const int Ipv4Source = 12;
    public const int Ipv4Destination = 16;
    public const ushort Ipv4DontFragment = 0x4000;
    public const ushort Ipv4MoreFragments = 0x2000;
    public const ushort Ipv4FragmentOffsetMask = 0x1FFF;

    /// <summary>IPPROTO_IP (0): the protocol IPVS gives a firewall-mark service's persistence templates.</summary>
    public const byte ProtocolIp = 0;

    public const byte ProtocolIcmp = 1;
    public const byte ProtocolIpInIp = 4;
    public const byte ProtocolTcp = 6;
    public const byte ProtocolUdp = 17;

    // TCP and UDP share the port offsets.
    public const int SourcePort = 0;
    public const int DestinationPort = 2;
    public const int TcpSequence = 4;
    public const int TcpAcknowledgment = 8;
    public const int TcpDataOffset = 12;
    public const int TcpFlags = 13;
    public const int TcpWindow = 14;
    public const int TcpChecksum = 16;
    public const int TcpMinimumHeaderLength = 20;
    public const int UdpLength = 4;
    public const int UdpChecksum = 6;
    public const int UdpHeaderLength = 8;

    public const byte TcpFin = 0x01;
    public const byte TcpSyn = 0x02;
    public const byte TcpRst = 0x04;
    public const byte TcpPsh = 0x08;
    public const byte TcpAck = 0x10;

    // ARP for IPv4 over Ethernet, relative to the start of the ARP header.
    public const int ArpLength = 28;
    public const int ArpOperation = 6;
    public const int ArpSenderMac = 8;
    public const int ArpSenderAddress = 14;
    public const int ArpTargetMac = 18;
    public const int ArpTargetAddress = 24;
    public const ushort ArpRequest = 1;
    public const ushort ArpReply = 2;
}
