using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;

namespace Forwarder.Core.Tests.Engine;

/// <summary>The engine's IPv6 data path: frames a virtual service over IPv6 refuses (fragments, malformed headers), counted.</summary>
public sealed class Ipv6ForwardingTests
{
    private const string Vip = "2001:db8::113";
    private const string Client = "2001:db8::50";

    private static EngineRig WithIpv6Service()
    {
        var rig = new EngineRig();
        rig.Services.AddService(new ServiceSpec(new ServiceKey(IpProtocol.Tcp, InetAddress.Parse(Vip), 80), "rr"));
        return rig;
    }

    [Test]
    public void Fragment_ToAnIpv6Vip_IsDroppedAndCounted()
    {
        var rig = WithIpv6Service();
        var fragment = Ipv6Frame.Tcp(EngineRig.ClientMac, EngineRig.PublicMac, Client, 40000, Vip, 80, FrameLayout.TcpSyn,
            extensions: Ipv6Frame.FragmentHeader(FrameLayout.ProtocolTcp, 0, more: true), firstExtension: Ipv6Layout.Fragment);

        var outcome = rig.Feed(fragment, EngineRig.Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedFragment));
            Assert.That(rig.Engine.Counters[FrameOutcome.DroppedFragment], Is.EqualTo(1));
            Assert.That(rig.Output.Count, Is.Zero);
            Assert.That(rig.Connections.Count, Is.Zero);
        });
    }

    [Test]
    public void Fragment_ForNoService_IsNotOurs()
    {
        var rig = WithIpv6Service();
        var fragment = Ipv6Frame.Tcp(EngineRig.ClientMac, EngineRig.PublicMac, Client, 40000, "2001:db8::114", 80, FrameLayout.TcpSyn,
            extensions: Ipv6Frame.FragmentHeader(FrameLayout.ProtocolTcp, 0, more: true), firstExtension: Ipv6Layout.Fragment);

        Assert.That(rig.Feed(fragment, EngineRig.Public), Is.EqualTo(FrameOutcome.NotOursIpv6));
    }

    [Test]
    public void PayloadLengthPastTheFrame_ToOurMac_IsDroppedAsMalformed()
    {
        var rig = WithIpv6Service();
        var frame = Ipv6Frame.Tcp(EngineRig.ClientMac, EngineRig.PublicMac, Client, 40000, Vip, 80, FrameLayout.TcpSyn);
        frame[14 + 5] += 8;

        Assert.Multiple(() =>
        {
            Assert.That(rig.Feed(frame, EngineRig.Public), Is.EqualTo(FrameOutcome.DroppedMalformed));
            Assert.That(rig.Engine.Counters[FrameOutcome.DroppedMalformed], Is.EqualTo(1));
        });
    }

    [Test]
    public void Malformed_ToAnotherHostsMac_IsNotOurs()
    {
        var rig = WithIpv6Service();
        var frame = Ipv6Frame.Tcp(EngineRig.ClientMac, Frame.Mac("02:00:00:00:00:99"), Client, 40000, Vip, 80, FrameLayout.TcpSyn);
        frame[14 + 5] += 8;

        Assert.That(rig.Feed(frame, EngineRig.Public), Is.EqualTo(FrameOutcome.NotOursIpv6));
    }
}
