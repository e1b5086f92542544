using Forwarder.Core.Connections;
using Forwarder.Core.Services;

namespace Forwarder.Core.Tests.Connections;

public sealed class ConnectionTimeoutsTests
{
    // The kernel's tcp_timeouts (ip_vs_proto_tcp.c) and udp_timeouts (ip_vs_proto_udp.c), in seconds.
    [TestCase(TcpState.None, 2)]
    [TestCase(TcpState.Established, 900)]
    [TestCase(TcpState.SynSent, 120)]
    [TestCase(TcpState.SynRecv, 60)]
    [TestCase(TcpState.FinWait, 120)]
    [TestCase(TcpState.TimeWait, 120)]
    [TestCase(TcpState.Close, 10)]
    [TestCase(TcpState.CloseWait, 60)]
    [TestCase(TcpState.LastAck, 30)]
    [TestCase(TcpState.Listen, 120)]
    [TestCase(TcpState.SynAck, 120)]
    public void Defaults_MatchTheKernel(TcpState state, int seconds)
    {
        var timeouts = new ConnectionTimeouts();

        Assert.Multiple(() =>
        {
            Assert.That(timeouts.TcpSeconds(state), Is.EqualTo(seconds));
            Assert.That(timeouts.TimeoutMicroseconds(IpProtocol.Tcp, state), Is.EqualTo(seconds * 1_000_000L));
        });
    }

    [Test]
    public void Defaults_UdpIs300SecondsWhateverTheState([Values] TcpState state)
    {
        Assert.That(new ConnectionTimeouts().TimeoutMicroseconds(IpProtocol.Udp, state), Is.EqualTo(300_000_000L));
    }

    [Test]
    public void Set_ChangesEstablishedFinWaitAndUdpOnly()
    {
        var timeouts = new ConnectionTimeouts();

        timeouts.Set(100, 50, 20);

        Assert.Multiple(() =>
        {
            Assert.That(timeouts.TcpEstablishedSeconds, Is.EqualTo(100));
            Assert.That(timeouts.TcpSeconds(TcpState.Established), Is.EqualTo(100));
            Assert.That(timeouts.TcpFinWaitSeconds, Is.EqualTo(50));
            Assert.That(timeouts.UdpSeconds, Is.EqualTo(20));
            Assert.That(timeouts.TcpSeconds(TcpState.TimeWait), Is.EqualTo(120));
            Assert.That(timeouts.TcpSeconds(TcpState.Close), Is.EqualTo(10));
            Assert.That(timeouts.TcpSeconds(TcpState.SynRecv), Is.EqualTo(60));
            Assert.That(timeouts.TimeoutMicroseconds(IpProtocol.Udp, TcpState.None), Is.EqualTo(20_000_000L));
        });
    }

    [Test]
    public void Set_ZeroLeavesThatTimeoutUnchanged()
    {
        var timeouts = new ConnectionTimeouts();
        timeouts.Set(100, 50, 20);

        timeouts.Set(0, 0, 30);

        Assert.Multiple(() =>
        {
            Assert.That(timeouts.TcpEstablishedSeconds, Is.EqualTo(100));
            Assert.That(timeouts.TcpFinWaitSeconds, Is.EqualTo(50));
            Assert.That(timeouts.UdpSeconds, Is.EqualTo(30));
        });
    }

    [Test]
    public void Set_OnOneInstance_DoesNotChangeAnother()
    {
        var first = new ConnectionTimeouts();
        var second = new ConnectionTimeouts();

        first.Set(1, 1, 1);

        Assert.That(second.TcpEstablishedSeconds, Is.EqualTo(900));
    }
}
