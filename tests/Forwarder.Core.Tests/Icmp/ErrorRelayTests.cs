using System.Buffers.Binary;
using System.Net;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Engine;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Icmp;

/// <summary>
/// ICMP errors about a NAT connection are relayed to the other side as ip_vs_nat_icmp rewrites them: towards the
/// real server the outer destination and the quoted source (address and port) become the real server's; towards
/// the client the outer source and the quoted destination become the virtual service's. Both IP header checksums
/// and the ICMP checksum are recomputed. Both ways the outer TTL drops by one (towards the server the kernel's
/// decrement_ttl on ip_vs_icmp_xmit's way; an error at TTL 1 dies there, for nothing answers an error). A service VIP:8080 → RIP:80 makes the port rewrite visible.
/// </summary>
public sealed class ErrorRelayTests
{
    private const ushort VirtualPort = 8080;
    private const ushort RealPort = 80;
    private const string RealServer = "192.168.139.131";

    [TestCase((byte)3, (byte)3, 0u, TestName = "ClientPortUnreachable_IsRelayedToTheRealServerRewritten")]
    [TestCase((byte)3, (byte)4, 1400u, TestName = "ClientFragmentationNeeded_IsRelayedToTheRealServerWithItsMtu")]
    [TestCase((byte)11, (byte)0, 0u, TestName = "ClientSideTimeExceeded_IsRelayedToTheRealServerRewritten")]
    [TestCase((byte)12, (byte)0, 0x1400_0000u, TestName = "ClientParameterProblem_IsRelayedToTheRealServerWithItsPointer")]
    public void ClientError_IsRelayedToTheRealServer(byte type, byte code, uint restOfHeader)
    {
        var rig = RigWithPortMappingService();
        var natReply = Frame.Tcp(PublicMac, ClientMac, Vip, VirtualPort, Client, 40000, syn: true, ack: true);
        var quote = IcmpFrame.QuoteOf(natReply);
        var error = IcmpFrame.Error(ClientMac, PublicMac, Client, Vip, type, code, restOfHeader, quote, ttl: 60);

        var outcome = rig.Feed(error, Public);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
        Assert.That(rig.Output.Count, Is.EqualTo(1));
        var sent = rig.Sent();
        var ethernet = Frame.ParseEthernet(sent);
        var ip = Frame.ParseIpv4(sent);
        var quoted = IcmpFrame.QuotedOf(sent);
        Assert.Multiple(() =>
        {
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Private));
            Assert.That(ethernet.DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(ServerMac(131))));
            Assert.That(ethernet.SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PrivateMac)));
            Assert.That(ip.SourceAddress, Is.EqualTo(IPAddress.Parse(Client)), "outer source kept");
            Assert.That(ip.DestinationAddress, Is.EqualTo(IPAddress.Parse(RealServer)), "outer destination: the real server");
            Assert.That(ip.TimeToLive, Is.EqualTo(59), "one lower, as a request is (decrement_ttl)");
            Assert.That(sent[34], Is.EqualTo(type));
            Assert.That(sent[35], Is.EqualTo(code));
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(sent.AsSpan(38)), Is.EqualTo(restOfHeader), "rest of header (MTU, pointer) kept");
            Assert.That(quoted, Has.Length.EqualTo(quote.Length));
            Assert.That(new IPAddress(quoted.AsSpan(12, 4)), Is.EqualTo(IPAddress.Parse(RealServer)), "quoted source: the real server");
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(quoted.AsSpan(20)), Is.EqualTo(RealPort), "quoted source port: the real port");
            Assert.That(new IPAddress(quoted.AsSpan(16, 4)), Is.EqualTo(IPAddress.Parse(Client)), "quoted destination kept");
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(quoted.AsSpan(22)), Is.EqualTo(40000), "quoted destination port kept");
            Assert.That(quoted[24..], Is.EqualTo(quote[24..]), "the rest of the quoted TCP header untouched");
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [TestCase((byte)3, (byte)3, 0u, TestName = "ServerPortUnreachable_IsRelayedToTheClientFromTheVip")]
    [TestCase((byte)3, (byte)4, 1280u, TestName = "ServerSideFragmentationNeeded_IsRelayedToTheClientWithItsMtu")]
    [TestCase((byte)11, (byte)0, 0u, TestName = "ServerSideTimeExceeded_IsRelayedToTheClientFromTheVip")]
    public void ServerError_IsRelayedToTheClient(byte type, byte code, uint restOfHeader)
    {
        var rig = RigWithPortMappingService();
        var request = Frame.Tcp(PrivateMac, ServerMac(131), Client, 40000, RealServer, RealPort, ack: true, payload: [1, 2, 3]);
        var quote = IcmpFrame.QuoteOf(request, transportBytes: 20);
        var error = IcmpFrame.Error(ServerMac(131), PrivateMac, RealServer, Client, type, code, restOfHeader, quote, ttl: 64);

        var outcome = rig.Feed(error, Private);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
        Assert.That(rig.Output.Count, Is.EqualTo(1));
        var sent = rig.Sent();
        var ethernet = Frame.ParseEthernet(sent);
        var ip = Frame.ParseIpv4(sent);
        var quoted = IcmpFrame.QuotedOf(sent);
        Assert.Multiple(() =>
        {
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Public));
            Assert.That(ethernet.DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(ClientMac)));
            Assert.That(ethernet.SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PublicMac)));
            Assert.That(ip.SourceAddress, Is.EqualTo(IPAddress.Parse(Vip)), "outer source: the virtual address");
            Assert.That(ip.DestinationAddress, Is.EqualTo(IPAddress.Parse(Client)));
            Assert.That(ip.TimeToLive, Is.EqualTo(63), "routed: TTL − 1");
            Assert.That(sent[34], Is.EqualTo(type));
            Assert.That(sent[35], Is.EqualTo(code));
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(sent.AsSpan(38)), Is.EqualTo(restOfHeader));
            Assert.That(new IPAddress(quoted.AsSpan(16, 4)), Is.EqualTo(IPAddress.Parse(Vip)), "quoted destination: the virtual address");
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(quoted.AsSpan(22)), Is.EqualTo(VirtualPort), "quoted destination port: the virtual port");
            Assert.That(new IPAddress(quoted.AsSpan(12, 4)), Is.EqualTo(IPAddress.Parse(Client)), "quoted source kept");
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(quoted.AsSpan(20)), Is.EqualTo(40000), "quoted source port kept");
            Assert.That(quoted[24..], Is.EqualTo(quote[24..]));
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [Test]
    public void ServerErrorWithTtlOne_IsDroppedWithoutAnErrorAboutAnError()
    {
        // RFC 1812 4.3.2.7: no ICMP error is sent about an ICMP error.
        var rig = RigWithPortMappingService();
        var request = Frame.Tcp(PrivateMac, ServerMac(131), Client, 40000, RealServer, RealPort, ack: true);
        var error = IcmpFrame.Error(ServerMac(131), PrivateMac, RealServer, Client, 3, 3, 0, IcmpFrame.QuoteOf(request), ttl: 1);

        var outcome = rig.Feed(error, Private);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedTtlExceeded));
            Assert.That(rig.Output.Count, Is.Zero);
        });
    }

    [Test]
    public void ClientErrorWithTtlOne_DiesWithoutAnyFrame()
    {
        var rig = RigWithPortMappingService();
        var natReply = Frame.Tcp(PublicMac, ClientMac, Vip, VirtualPort, Client, 40000, syn: true, ack: true);
        var error = IcmpFrame.Error(ClientMac, PublicMac, Client, Vip, 3, 3, 0, IcmpFrame.QuoteOf(natReply), ttl: 1);

        var outcome = rig.Feed(error, Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedTtlExceeded));
            Assert.That(rig.Output.Count, Is.Zero, "nothing to the real server, and no error about an error");
        });
    }

    [Test]
    public void ClientErrorWithTtlTwo_IsRelayedWithTtlOne()
    {
        var rig = RigWithPortMappingService();
        var natReply = Frame.Tcp(PublicMac, ClientMac, Vip, VirtualPort, Client, 40000, syn: true, ack: true);
        var error = IcmpFrame.Error(ClientMac, PublicMac, Client, Vip, 3, 3, 0, IcmpFrame.QuoteOf(natReply), ttl: 2);

        var outcome = rig.Feed(error, Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Private));
            Assert.That(Frame.ParseIpv4(rig.Sent()).TimeToLive, Is.EqualTo(1));
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [Test]
    public void ClientErrorAboutAnUnknownFlow_IsNotOurs()
    {
        var rig = RigWithPortMappingService();
        var stranger = Frame.Tcp(PublicMac, ClientMac, Vip, VirtualPort, Client, 40001, ack: true);
        var error = IcmpFrame.Error(ClientMac, PublicMac, Client, Vip, 3, 3, 0, IcmpFrame.QuoteOf(stranger));

        AssertNotOurs(rig, rig.Feed(error, Public));
    }

    [Test]
    public void ServerErrorAboutAnUnknownFlow_IsNotOurs()
    {
        var rig = RigWithPortMappingService();
        var stranger = Frame.Tcp(PrivateMac, ServerMac(131), Client, 40001, RealServer, RealPort, ack: true);
        var error = IcmpFrame.Error(ServerMac(131), PrivateMac, RealServer, Client, 3, 3, 0, IcmpFrame.QuoteOf(stranger));

        AssertNotOurs(rig, rig.Feed(error, Private));
    }

    [Test]
    public void ErrorWhoseQuoteIsTooShortToNameAFlow_IsNotOurs()
    {
        var rig = RigWithPortMappingService();
        var natReply = Frame.Tcp(PublicMac, ClientMac, Vip, VirtualPort, Client, 40000, syn: true, ack: true);
        var error = IcmpFrame.Error(ClientMac, PublicMac, Client, Vip, 3, 3, 0, IcmpFrame.QuoteOf(natReply, transportBytes: 2));

        AssertNotOurs(rig, rig.Feed(error, Public));
    }

    private static void AssertNotOurs(EngineRig rig, FrameOutcome outcome) =>
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.NotOurs));
            Assert.That(rig.Output.Count, Is.Zero);
        });

    /// <summary>The rig plus TCP 192.168.1.199:8080 → 192.168.139.131:80 (-m), with one connection from the client's port 40000.</summary>
    private static EngineRig RigWithPortMappingService()
    {
        var rig = new EngineRig();
        var key = new ServiceKey(IpProtocol.Tcp, Frame.Ip(Vip), VirtualPort);
        rig.Services.AddService(new ServiceSpec(key, "rr"));
        rig.Services.AddDestination(key, new DestinationSpec(Ipv4Address.Parse(RealServer), RealPort, ForwardingMethod.Masquerade));
        var opened = rig.Feed(Frame.Tcp(ClientMac, PublicMac, Client, 40000, Vip, VirtualPort, syn: true), Public);
        Assert.That(opened, Is.EqualTo(FrameOutcome.Forwarded));
        return rig;
    }
}
