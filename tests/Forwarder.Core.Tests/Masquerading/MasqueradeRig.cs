using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Engine;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Masquerading;

/// <summary>The engine rig with <c>masquerade 192.168.139.0/24</c>, an outside host on the public link and frames for masquerading tests.</summary>
internal static class MasqueradeRig
{
    public const string OnLinkHost = "192.168.1.77";
    public const string RemoteHost = "203.0.113.9";
    public const string PublicAddress = "192.168.1.1";
    public static readonly MacAddress OnLinkHostMac = Frame.Mac("00:50:56:00:00:77");

    public static EngineRig Create() =>
        new(extraTopology: $"masquerade 192.168.139.0/24\nneighbor {OnLinkHost} 00:50:56:00:00:77 eth2\n");

    public static byte[] InsideTcp(int octet, ushort port, string remote, ushort remotePort, bool syn = true, bool ack = false, bool fin = false, bool rst = false) =>
        Frame.Tcp(ServerMac(octet), PrivateMac, $"192.168.139.{octet}", port, remote, remotePort, syn: syn, ack: ack, fin: fin, rst: rst);

    public static byte[] OutsideTcp(string remote, ushort remotePort, ushort publicPort, bool syn = true, bool ack = true, bool fin = false, bool rst = false) =>
        Frame.Tcp(remote == OnLinkHost ? OnLinkHostMac : GatewayMac, PublicMac, remote, remotePort, PublicAddress, publicPort, syn: syn, ack: ack, fin: fin, rst: rst);

    public static byte[] InsideUdp(int octet, ushort port, ushort remotePort) =>
        Frame.Udp(ServerMac(octet), PrivateMac, $"192.168.139.{octet}", port, RemoteHost, remotePort, [1, 2, 3, 4, 5]);

    public static byte[] OutsideUdp(ushort remotePort, ushort publicPort) =>
        Frame.Udp(GatewayMac, PublicMac, RemoteHost, remotePort, PublicAddress, publicPort, [9, 8, 7]);
}
