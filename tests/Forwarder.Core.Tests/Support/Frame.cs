using System.Net;
using System.Net.NetworkInformation;
using Forwarder.Core.Frames;
using PacketDotNet;

namespace Forwarder.Core.Tests.Support;

/// <summary>Builds Ethernet/IPv4 frames with PacketDotNet (an implementation independent of ours) and reads them back.</summary>
internal static class Frame
{
    public static byte[] Tcp(MacAddress source, MacAddress destination, string sourceIp, ushort sourcePort, string destinationIp, ushort destinationPort,
        bool syn = false, bool ack = false, bool fin = false, bool rst = false, byte ttl = 64, byte[]? payload = null)
    {
        var tcp = new TcpPacket(sourcePort, destinationPort)
        {
            Synchronize = syn,
            Acknowledgment = ack,
            Finished = fin,
            Reset = rst,
            SequenceNumber = 0x1000_0000,
            AcknowledgmentNumber = ack ? 0x2000_0000u : 0u,
            WindowSize = 64240,
        };
        if (payload is not null)
        {
            tcp.PayloadData = payload;
        }
        var ip = new IPv4Packet(IPAddress.Parse(sourceIp), IPAddress.Parse(destinationIp)) { TimeToLive = ttl, PayloadPacket = tcp };
        var ethernet = new EthernetPacket(ToPhysical(source), ToPhysical(destination), EthernetType.IPv4) { PayloadPacket = ip };
        ethernet.UpdateCalculatedValues();
        tcp.UpdateTcpChecksum();
        ip.UpdateIPChecksum();
        return ethernet.Bytes;
    }

    public static byte[] Udp(MacAddress source, MacAddress destination, string sourceIp, ushort sourcePort, string destinationIp, ushort destinationPort,
        byte[] payload, byte ttl = 64)
    {
        var udp = new UdpPacket(sourcePort, destinationPort) { PayloadData = payload };
        var ip = new IPv4Packet(IPAddress.Parse(sourceIp), IPAddress.Parse(destinationIp)) { TimeToLive = ttl, PayloadPacket = udp };
        var ethernet = new EthernetPacket(ToPhysical(source), ToPhysical(destination), EthernetType.IPv4) { PayloadPacket = ip };
        ethernet.UpdateCalculatedValues();
        udp.UpdateUdpChecksum();
        ip.UpdateIPChecksum();
        return ethernet.Bytes;
    }

    public static byte[] IcmpEcho(MacAddress source, MacAddress destination, string sourceIp, string destinationIp)
    {
        var icmp = new IcmpV4Packet(new PacketDotNet.Utils.ByteArraySegment(new byte[] { 8, 0, 0, 0, 0, 1, 0, 1, 0xAA, 0xBB }));
        icmp.UpdateIcmpChecksum();
        var ip = new IPv4Packet(IPAddress.Parse(sourceIp), IPAddress.Parse(destinationIp)) { TimeToLive = 64, PayloadPacket = icmp };
        var ethernet = new EthernetPacket(ToPhysical(source), ToPhysical(destination), EthernetType.IPv4) { PayloadPacket = ip };
        ethernet.UpdateCalculatedValues();
        ip.UpdateIPChecksum();
        return ethernet.Bytes;
    }

    public static byte[] ArpRequest(MacAddress source, string senderIp, string targetIp)
    {
        var arp = new ArpPacket(ArpOperation.Request, PhysicalAddress.Parse("000000000000"), IPAddress.Parse(targetIp), ToPhysical(source), IPAddress.Parse(senderIp));
        var ethernet = new EthernetPacket(ToPhysical(source), PhysicalAddress.Parse("FFFFFFFFFFFF"), EthernetType.Arp) { PayloadPacket = arp };
        return ethernet.Bytes;
    }

    public static byte[] Ipv6Tcp(MacAddress source, MacAddress destination)
    {
        var tcp = new TcpPacket(40000, 80) { Synchronize = true };
        var ip = new IPv6Packet(IPAddress.Parse("2001:db8::1"), IPAddress.Parse("2001:db8::199")) { HopLimit = 64, PayloadPacket = tcp };
        var ethernet = new EthernetPacket(ToPhysical(source), ToPhysical(destination), EthernetType.IPv6) { PayloadPacket = ip };
        ethernet.UpdateCalculatedValues();
        tcp.UpdateTcpChecksum();
        return ethernet.Bytes;
    }

    public static PhysicalAddress ToPhysical(MacAddress mac)
    {
        var bytes = new byte[6];
        mac.Write(bytes);
        return new PhysicalAddress(bytes);
    }

    public static EthernetPacket ParseEthernet(ReadOnlySpan<byte> frame) =>
        (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, frame.ToArray());

    public static IPv4Packet ParseIpv4(ReadOnlySpan<byte> frame) => ParseEthernet(frame).Extract<IPv4Packet>();

    public static TcpPacket ParseTcp(ReadOnlySpan<byte> frame) => ParseEthernet(frame).Extract<TcpPacket>();

    public static UdpPacket ParseUdp(ReadOnlySpan<byte> frame) => ParseEthernet(frame).Extract<UdpPacket>();

    public static MacAddress Mac(string text) => MacAddress.TryParse(text, out var mac) ? mac : throw new ArgumentException(text);

    public static uint Ip(string text) => Ipv4Address.Parse(text).Value;
}
