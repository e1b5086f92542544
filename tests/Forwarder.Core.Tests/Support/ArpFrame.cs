using System.Net;
using System.Net.NetworkInformation;
using Forwarder.Core.Frames;
using PacketDotNet;

namespace Forwarder.Core.Tests.Support;

/// <summary>ARP frames (RFC 826) built and read with PacketDotNet.</summary>
internal static class ArpFrame
{
    /// <summary>A reply from <paramref name="senderIp"/> at <paramref name="senderMac"/>, unicast to <paramref name="targetMac"/>.</summary>
    public static byte[] Reply(MacAddress senderMac, string senderIp, MacAddress targetMac, string targetIp)
    {
        var arp = new ArpPacket(ArpOperation.Response, Frame.ToPhysical(targetMac), IPAddress.Parse(targetIp), Frame.ToPhysical(senderMac), IPAddress.Parse(senderIp));
        var ethernet = new EthernetPacket(Frame.ToPhysical(senderMac), Frame.ToPhysical(targetMac), EthernetType.Arp) { PayloadPacket = arp };
        return ethernet.Bytes;
    }

    public static ArpPacket Parse(ReadOnlySpan<byte> frame) => Frame.ParseEthernet(frame).Extract<ArpPacket>();

    public static readonly PhysicalAddress Broadcast = PhysicalAddress.Parse("FF-FF-FF-FF-FF-FF");
}
