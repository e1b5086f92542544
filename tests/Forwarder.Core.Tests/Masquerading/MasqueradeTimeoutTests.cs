using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Engine;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;
using static Forwarder.Core.Tests.Masquerading.MasqueradeRig;

namespace Forwarder.Core.Tests.Masquerading;

/// <summary>
/// The masquerade table's timeouts, as its documentation gives them after netfilter's conntrack: TCP unanswered
/// 120 s, answered 5 days, closing (FIN) 120 s, reset 10 s; UDP unanswered 30 s, answered 180 s; ICMP echo 30 s.
/// A reply just inside the timeout still finds its way back; one just after it is nobody's.
/// </summary>
public sealed class MasqueradeTimeoutTests
{
    private const long Second = 1_000_000;

    [TestCase(119, FrameOutcome.Forwarded)]
    [TestCase(121, FrameOutcome.NotOurs)]
    public void UnansweredTcp_LivesTwoMinutes(int seconds, FrameOutcome expected)
    {
        var rig = Create();
        rig.Feed(InsideTcp(131, 45000, RemoteHost, 443), Private);

        rig.Now += seconds * Second;

        Assert.That(rig.Feed(OutsideTcp(RemoteHost, 443, 45000), Public), Is.EqualTo(expected));
    }

    [TestCase(431_999, FrameOutcome.Forwarded)]
    [TestCase(432_001, FrameOutcome.NotOurs)]
    public void AnsweredTcp_LivesFiveDays(int seconds, FrameOutcome expected)
    {
        var rig = Create();
        rig.Feed(InsideTcp(131, 45000, RemoteHost, 443), Private);
        rig.Feed(OutsideTcp(RemoteHost, 443, 45000), Public);

        rig.Now += seconds * Second;

        Assert.That(rig.Feed(OutsideTcp(RemoteHost, 443, 45000, syn: false), Public), Is.EqualTo(expected));
    }

    [TestCase(119, FrameOutcome.Forwarded)]
    [TestCase(121, FrameOutcome.NotOurs)]
    public void ClosingTcp_LivesTwoMinutes(int seconds, FrameOutcome expected)
    {
        var rig = Create();
        rig.Feed(InsideTcp(131, 45000, RemoteHost, 443), Private);
        rig.Feed(OutsideTcp(RemoteHost, 443, 45000), Public);
        rig.Feed(InsideTcp(131, 45000, RemoteHost, 443, syn: false, ack: true, fin: true), Private);

        rig.Now += seconds * Second;

        Assert.That(rig.Feed(OutsideTcp(RemoteHost, 443, 45000, syn: false), Public), Is.EqualTo(expected));
    }

    [TestCase(9, FrameOutcome.Forwarded)]
    [TestCase(11, FrameOutcome.NotOurs)]
    public void ResetTcp_LivesTenSeconds(int seconds, FrameOutcome expected)
    {
        var rig = Create();
        rig.Feed(InsideTcp(131, 45000, RemoteHost, 443), Private);
        rig.Feed(OutsideTcp(RemoteHost, 443, 45000), Public);
        rig.Feed(InsideTcp(131, 45000, RemoteHost, 443, syn: false, rst: true), Private);

        rig.Now += seconds * Second;

        Assert.That(rig.Feed(OutsideTcp(RemoteHost, 443, 45000, syn: false), Public), Is.EqualTo(expected));
    }

    [TestCase(29, FrameOutcome.Forwarded)]
    [TestCase(31, FrameOutcome.NotOurs)]
    public void UnansweredUdp_LivesThirtySeconds(int seconds, FrameOutcome expected)
    {
        var rig = Create();
        rig.Feed(InsideUdp(131, 5000, 53), Private);

        rig.Now += seconds * Second;

        Assert.That(rig.Feed(OutsideUdp(53, 5000), Public), Is.EqualTo(expected));
    }

    [TestCase(179, FrameOutcome.Forwarded)]
    [TestCase(181, FrameOutcome.NotOurs)]
    public void AnsweredUdp_LivesThreeMinutes(int seconds, FrameOutcome expected)
    {
        var rig = Create();
        rig.Feed(InsideUdp(131, 5000, 53), Private);
        rig.Feed(OutsideUdp(53, 5000), Public);

        rig.Now += seconds * Second;

        Assert.That(rig.Feed(OutsideUdp(53, 5000), Public), Is.EqualTo(expected));
    }

    [TestCase(29, FrameOutcome.Forwarded)]
    [TestCase(31, FrameOutcome.NotOurs)]
    public void Echo_LivesThirtySeconds(int seconds, FrameOutcome expected)
    {
        var rig = Create();
        rig.Feed(IcmpFrame.EchoRequest(ServerMac(131), PrivateMac, "192.168.139.131", RemoteHost, 0x4242, 1, [1, 2]), Private);

        rig.Now += seconds * Second;

        Assert.That(rig.Feed(IcmpFrame.EchoReply(GatewayMac, PublicMac, RemoteHost, PublicAddress, 0x4242, 1, [1, 2]), Public), Is.EqualTo(expected));
    }

    [Test]
    public void ExpiredEntries_LeaveTheTableOnTheEngineClock()
    {
        var rig = Create();
        rig.Feed(InsideUdp(131, 5000, 53), Private);
        rig.Feed(InsideTcp(131, 45000, RemoteHost, 443), Private);
        var before = rig.Engine.Masquerade.Count;

        rig.Engine.AdvanceClock(rig.Now + (121 * Second), rig.Output);

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(2));
            Assert.That(rig.Engine.Masquerade.Count, Is.Zero);
        });
    }
}
