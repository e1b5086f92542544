using System.Net;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Engine;

/// <summary>
/// The kernel's decrement_ttl on the way to a real server (every IPv4 method: NAT, DR, the tunnel's inner packet):
/// a client packet arriving with TTL 1 goes nowhere but back, as ICMP time exceeded from the virtual address it was
/// sent to (local to the kernel, so icmp_send answers from it); one arriving with TTL 2 leaves with 1.
/// </summary>
public sealed class ClientTtlExceededTests
{
    [TestCase(ForwardingMethod.Masquerade)]
    [TestCase(ForwardingMethod.DirectRoute)]
    [TestCase(ForwardingMethod.Tunnel)]
    public void ClientSynWithTtlOne_IsDroppedAndTheClientGetsTimeExceededFromTheVip(ForwardingMethod method)
    {
        var rig = new EngineRig(method);
        var syn = rig.ClientSyn(ttl: 1);

        var outcome = rig.Feed(syn, Public);

        Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedTtlExceeded));
        Assert.That(rig.Output.Count, Is.EqualTo(1), "only the ICMP error; no frame to the real server");
        var sent = rig.Sent();
        var ethernet = Frame.ParseEthernet(sent);
        var ip = Frame.ParseIpv4(sent);
        Assert.Multiple(() =>
        {
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Public));
            Assert.That(ethernet.DestinationHardwareAddress, Is.EqualTo(Frame.ToPhysical(ClientMac)));
            Assert.That(ethernet.SourceHardwareAddress, Is.EqualTo(Frame.ToPhysical(PublicMac)));
            Assert.That(ip.Protocol, Is.EqualTo(PacketDotNet.ProtocolType.Icmp));
            Assert.That(ip.SourceAddress, Is.EqualTo(IPAddress.Parse(Vip)), "from the virtual address the client sent to");
            Assert.That(ip.DestinationAddress, Is.EqualTo(IPAddress.Parse(Client)));
            Assert.That(sent[14 + 20], Is.EqualTo(11), "type: time exceeded");
            Assert.That(sent[14 + 21], Is.EqualTo(0), "code 0: TTL exceeded in transit");
            Assert.That(IcmpFrame.QuotedOf(sent), Is.EqualTo(syn.AsSpan(14).ToArray()), "the SYN quoted as it arrived");
            Assert.That(rig.TcpServer(131).Counters.InPackets, Is.EqualTo(1), "as ip_vs_in: scheduled and counted before the transmit refuses it");
        });
        Checksums.AssertAllValid(rig.Output);
    }

    [TestCase(ForwardingMethod.Masquerade, 14)]
    [TestCase(ForwardingMethod.DirectRoute, 14)]
    [TestCase(ForwardingMethod.Tunnel, 34)]
    public void ClientSynWithTtlTwo_LeavesForTheRealServerWithTtlOne(ForwardingMethod method, int clientHeaderAt)
    {
        var rig = new EngineRig(method);

        var outcome = rig.Feed(rig.ClientSyn(ttl: 2), Public);

        var sent = rig.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(rig.Output.Count, Is.EqualTo(1));
            Assert.That(rig.Output.InterfaceAt(0), Is.EqualTo(Private));
            Assert.That(sent[clientHeaderAt + 8], Is.EqualTo(1), "the client's header: TTL 1");
            Assert.That(sent[22], Is.EqualTo(1), "the header on the wire (the tunnel's outer one copies the inner TTL)");
        });
        Checksums.AssertAllValid(rig.Output);
    }
}
