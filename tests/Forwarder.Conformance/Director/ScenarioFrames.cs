using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using Forwarder.Conformance.Scenarios;
using PacketDotNet;
using PacketDotNet.Utils;

namespace Forwarder.Conformance.Director;

/// <summary>
/// A scenario's packet as the director's link sees it: the guest's packet sender's IP packet (same
/// identification, DF, TTL, sequence and acknowledgement numbers, window, payload) inside the Ethernet
/// header of the side it arrives on, IPv4 or IPv6 as its addresses are. Built with PacketDotNet, checksums computed.
/// </summary>
public static class ScenarioFrames
{
    private const int DontFragmentFlag = 0b010;

    public static byte[] Build(PacketStep packet)
    {
        var (sourceMac, destinationMac) = packet.Side == PacketSide.Client
            ? (GuestTopology.ClientMac, GuestTopology.DirectorPublicMac)
            : (GuestTopology.ServerHostMac, GuestTopology.DirectorPrivateMac);
        var source = IPAddress.Parse(packet.Source);
        var destination = IPAddress.Parse(packet.Destination);
        IPPacket ip = source.AddressFamily == AddressFamily.InterNetworkV6
            // As the guest's sender: hop limit 64, traffic class and flow label 0, no extension header.
            ? new IPv6Packet(source, destination) { HopLimit = 64 }
            : new IPv4Packet(source, destination)
            {
                Id = (ushort)(packet.SourcePort ^ packet.DestinationPort),
                TimeToLive = 64,
                FragmentFlags = DontFragmentFlag,
            };
        TransportPacket transport;
        if (packet.Tcp)
        {
            var header = new byte[20];
            header[12] = 5 << 4;
            var flags = ControlBits(packet.Flags);
            var tcp = new TcpPacket(new ByteArraySegment(header))
            {
                SourcePort = packet.SourcePort,
                DestinationPort = packet.DestinationPort,
                SequenceNumber = 1_000_000u + packet.SourcePort,
                AcknowledgmentNumber = (flags & 0x10) != 0 ? 2_000_000u + packet.DestinationPort : 0,
                Flags = flags,
                WindowSize = 65535,
            };
            transport = tcp;
        }
        else
        {
            transport = new UdpPacket(packet.SourcePort, packet.DestinationPort) { PayloadData = Encoding.ASCII.GetBytes("conf") };
        }
        ip.PayloadPacket = transport;
        var ethernet = new EthernetPacket(Mac(sourceMac), Mac(destinationMac), ip is IPv6Packet ? EthernetType.IPv6 : EthernetType.IPv4) { PayloadPacket = ip };
        ethernet.UpdateCalculatedValues();
        ip.UpdateCalculatedValues();
        if (transport is TcpPacket segment)
        {
            segment.UpdateTcpChecksum();
        }
        else
        {
            var datagram = (UdpPacket)transport;
            datagram.UpdateCalculatedValues();
            datagram.UpdateUdpChecksum();
        }
        if (ip is IPv4Packet ipv4)
        {
            ipv4.UpdateIPChecksum();
        }
        return ethernet.Bytes;
    }

    private static ushort ControlBits(string flags)
    {
        ushort bits = 0;
        foreach (var flag in flags)
        {
            bits |= flag switch
            {
                'F' => 0x01,
                'S' => 0x02,
                'R' => 0x04,
                'P' => 0x08,
                'A' => 0x10,
                'U' => 0x20,
                '-' => 0,
                _ => throw new FormatException($"unknown TCP flag '{flag}'"),
            };
        }
        return bits;
    }

    private static PhysicalAddress Mac(string text) => PhysicalAddress.Parse(text.Replace(':', '-'));
}
