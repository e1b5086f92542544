using System.Net;
using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;

namespace Forwarder.Core.Tests.Forwarding;

public sealed class NatForwardingTests
{
    private static readonly MacAddress ClientMac = Frame.Mac("00:50:56:00:00:50");
    private static readonly MacAddress PublicMac = Frame.Mac("02:00:00:00:00:02");
    private static readonly MacAddress PrivateMac = Frame.Mac("02:00:00:00:00:01");
    private static readonly MacAddress ServerMac = Frame.Mac("00:0c:29:00:01:31");

    private static readonly Connection Flow = new()
    {
        Protocol = 6,
        ClientAddress = Frame.Ip("192.168.1.50"),
        ClientPort = 40000,
        VirtualAddress = Frame.Ip("192.168.1.199"),
        VirtualPort = 80,
        DestinationAddress = Frame.Ip("192.168.139.131"),
        DestinationPort = 8080,
        Method = ForwardingMethod.Masquerade,
        ServerInterface = Engine.EngineRig.Private,
        ClientInterface = Engine.EngineRig.Public,
    };

    /// <summary>Sends <paramref name="frame"/> through NatTransmit and returns the frame it put out.</summary>
    private static byte[] Transmit(byte[] frame, TransmitCall call)
    {
        var rig = new TransmitRig();
        var connection = Flow;
        Assert.That(call(rig, ref connection), Is.EqualTo(FrameOutcome.Forwarded));
        Assert.That(rig.Output.Count, Is.EqualTo(1));
        return rig.Sent();
    }

    private delegate FrameOutcome TransmitCall(TransmitRig rig, ref Connection connection);

    [Test]
    public void ToServer_RewritesDestinationToTheRealServerAndDecrementsTtl()
    {
        var frame = Frame.Tcp(ClientMac, PublicMac, "192.168.1.50", 40000, "192.168.1.199", 80, syn: true, ttl: 61);

        var input = frame;
        frame = Transmit(frame, (TransmitRig rig, ref Connection connection) => rig.ToServer(ref connection, input));

        var ethernet = Frame.ParseEthernet(frame);
        var ip = Frame.ParseIpv4(frame);
        var tcp = Frame.ParseTcp(frame);
        Assert.Multiple(() =>
        {
            Assert.That(ethernet.DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(ServerMac)));
            Assert.That(ethernet.SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PrivateMac)));
            Assert.That(ip.DestinationAddress, Is.EqualTo(IPAddress.Parse("192.168.139.131")));
            Assert.That(tcp.DestinationPort, Is.EqualTo(8080));
            Assert.That(ip.SourceAddress, Is.EqualTo(IPAddress.Parse("192.168.1.50")));
            Assert.That(tcp.SourcePort, Is.EqualTo(40000));
            Assert.That(ip.TimeToLive, Is.EqualTo(60), "decrement_ttl on the way to the real server");
            Assert.That(ip.ValidIPChecksum, Is.True);
            Assert.That(tcp.ValidTcpChecksum, Is.True);
        });
    }

    [Test]
    public void ToClient_RewritesSourceToTheVirtualServiceAndDecrementsTtl()
    {
        var frame = Frame.Tcp(ServerMac, PrivateMac, "192.168.139.131", 8080, "192.168.1.50", 40000, syn: true, ack: true, ttl: 64);

        var input = frame;
        frame = Transmit(frame, (TransmitRig rig, ref Connection connection) => rig.ToClient(ref connection, input));

        var ethernet = Frame.ParseEthernet(frame);
        var ip = Frame.ParseIpv4(frame);
        var tcp = Frame.ParseTcp(frame);
        Assert.Multiple(() =>
        {
            Assert.That(ethernet.DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(ClientMac)));
            Assert.That(ethernet.SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PublicMac)));
            Assert.That(ip.SourceAddress, Is.EqualTo(IPAddress.Parse("192.168.1.199")));
            Assert.That(tcp.SourcePort, Is.EqualTo(80));
            Assert.That(ip.DestinationAddress, Is.EqualTo(IPAddress.Parse("192.168.1.50")));
            Assert.That(tcp.DestinationPort, Is.EqualTo(40000));
            Assert.That(ip.TimeToLive, Is.EqualTo(63));
            Assert.That(ip.ValidIPChecksum, Is.True);
            Assert.That(tcp.ValidTcpChecksum, Is.True);
        });
    }

    [Test]
    public void ToClient_UdpReply_KeepsUdpChecksumValid()
    {
        var frame = Frame.Udp(ServerMac, PrivateMac, "192.168.139.131", 8080, "192.168.1.50", 40000, [0xDE, 0xAD, 0xBE]);

        var input = frame;
        frame = Transmit(frame, (TransmitRig rig, ref Connection connection) => rig.ToClient(ref connection, input));

        var udp = Frame.ParseUdp(frame);
        Assert.Multiple(() =>
        {
            Assert.That(udp.SourcePort, Is.EqualTo(80));
            Assert.That(udp.ValidUdpChecksum, Is.True);
            Assert.That(Frame.ParseIpv4(frame).ValidIPChecksum, Is.True);
        });
    }
}
