using Forwarder.Core.Connections;
using Forwarder.Core.Services;
using static Forwarder.Core.Tests.Connections.ConnectionFactory;

namespace Forwarder.Core.Tests.Connections;

/// <summary>Expiry on the engine's clock: by the timer wheel, exactly, and lazily on lookup.</summary>
public sealed class ConnectionTableExpiryTests
{
    private const long Millisecond = 1000;
    private const byte Fin = 0x01, Syn = 0x02, Rst = 0x04, Ack = 0x10;

    [Test]
    public void ExpireUntil_NewConnection_LivesTheNoneTimeoutOfTwoSeconds()
    {
        var table = new ConnectionTable(new ConnectionTimeouts());
        table.Add(Flow(1), Start);

        table.ExpireUntil(Start + (2 * Second) - 1);
        var before = table.Count;
        table.ExpireUntil(Start + (2 * Second) + Millisecond);

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(1));
            Assert.That(table.Count, Is.Zero);
            Assert.That(table.ExpiredCount, Is.EqualTo(1));
            Assert.That(table.FindClient(Flow(1), Start), Is.EqualTo(-1));
        });
    }

    [Test]
    public void ExpireExactly_RemovesAtTheExpiryInstantAndNotBefore()
    {
        var table = new ConnectionTable(new ConnectionTimeouts());
        table.Add(Flow(1), Start + 123);

        table.ExpireExactly(Start + 123 + (2 * Second) - 1);
        var before = table.Count;
        table.ExpireExactly(Start + 123 + (2 * Second));

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(1));
            Assert.That(table.Count, Is.Zero);
        });
    }

    [Test]
    public void FindByClient_AfterExpiry_ExpiresLazilyAndReturnsMinusOne()
    {
        var destination = NewDestination();
        var table = new ConnectionTable(new ConnectionTimeouts());
        table.Add(Flow(1, destination: destination), Start);

        var justBefore = table.FindClient(Flow(1), Start + (2 * Second) - 1);
        var atExpiry = table.FindClient(Flow(1), Start + (2 * Second));

        Assert.Multiple(() =>
        {
            Assert.That(justBefore, Is.GreaterThanOrEqualTo(0));
            Assert.That(atExpiry, Is.EqualTo(-1));
            Assert.That(table.Count, Is.Zero);
            Assert.That(table.ExpiredCount, Is.EqualTo(1));
            Assert.That(destination.InactiveConnections, Is.Zero);
        });
    }

    [Test]
    public void FindByServer_AfterExpiry_ReturnsMinusOne()
    {
        var table = new ConnectionTable(new ConnectionTimeouts());
        table.Add(Flow(1), Start);

        Assert.That(table.FindServer(Flow(1), Start + (3 * Second)), Is.EqualTo(-1));
    }

    [TestCase(new byte[] { Syn }, TcpState.SynRecv, 60)]
    [TestCase(new byte[] { Syn, Ack }, TcpState.Established, 900)]
    [TestCase(new byte[] { Syn, Ack, Rst }, TcpState.Close, 10)]
    [TestCase(new byte[] { Syn, Ack, 0x11 }, TcpState.CloseWait, 60)]
    [TestCase(new byte[] { Ack }, TcpState.Established, 900)] // NONE + ack, as Linux 6.1 lists a sloppy_tcp ACK: 14:59
    [TestCase(new byte[] { Fin }, TcpState.Close, 10)] // and a sloppy FIN: CLOSE 00:09
    public void Touch_SetsTheTimeoutOfTheNewState(byte[] inputFlags, TcpState state, int seconds)
    {
        var table = new ConnectionTable(new ConnectionTimeouts());
        var slot = table.Add(Flow(1), Start);
        var last = Start;
        foreach (var flags in inputFlags)
        {
            last += Second;
            table.Touch(slot, PacketDirection.Input, flags, last);
        }

        Assert.That(table[slot].State, Is.EqualTo(state));
        Assert.That(table[slot].ExpiresAt, Is.EqualTo(last + (seconds * Second)));
        table.ExpireExactly(last + (seconds * Second) - 1);
        Assert.That(table.Count, Is.EqualTo(1), "alive just before its timeout");
        table.ExpireUntil(last + (seconds * Second) + Millisecond);
        Assert.That(table.Count, Is.Zero, "gone once its timeout passed");
    }

    [Test]
    public void Touch_ShortenedTimeout_EstablishedThenRst_ExpiresAfterTenSeconds()
    {
        var table = new ConnectionTable(new ConnectionTimeouts());
        var slot = ConnectionTableActivityTests.Established(table, Flow(1));
        var rstAt = Start + (5 * Second);

        table.Touch(slot, PacketDirection.Input, Rst, rstAt);
        table.ExpireUntil(rstAt + (10 * Second) - Millisecond);
        var before = table.Count;
        table.ExpireUntil(rstAt + (10 * Second) + Millisecond);

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(1));
            Assert.That(table.Count, Is.Zero, "the wheel honours the shorter CLOSE timeout, not the 900 s of ESTABLISHED");
        });
    }

    [Test]
    public void Touch_RenewsExpiry_SoAnActiveFlowOutlivesItsFirstTimeout()
    {
        var table = new ConnectionTable(new ConnectionTimeouts());
        var slot = ConnectionTableActivityTests.Established(table, Flow(1));

        table.Touch(slot, PacketDirection.Input, Ack, Start + (800 * Second));
        table.ExpireUntil(Start + (1000 * Second));
        var alive = table.Count;
        table.ExpireUntil(Start + (1701 * Second));

        Assert.Multiple(() =>
        {
            Assert.That(alive, Is.EqualTo(1));
            Assert.That(table.Count, Is.Zero);
        });
    }

    [Test]
    public void ExpireUntil_ClockJumpLongerThanTheWheel_ExpiresOnlyWhatIsDue()
    {
        var table = new ConnectionTable(new ConnectionTimeouts());
        var longLived = ConnectionTableActivityTests.Established(table, Flow(1));
        table.Add(Flow(2), Start);
        table.Add(Flow(3, protocol: 17), Start);

        table.ExpireUntil(Start + (200 * Second));
        var after200 = table.Count;
        table.ExpireUntil(Start + (400 * Second));
        var after400 = table.Count;

        Assert.Multiple(() =>
        {
            Assert.That(after200, Is.EqualTo(2), "the NONE connection went, UDP (300 s) and ESTABLISHED (900 s) stay");
            Assert.That(after400, Is.EqualTo(1));
            Assert.That(table.FindClient(Flow(1), Start + (400 * Second)), Is.EqualTo(longLived));
        });
    }

    [Test]
    public void ExpireUntil_Udp_UsesTheUdpTimeoutSetByIpvsadm()
    {
        var timeouts = new ConnectionTimeouts();
        timeouts.Set(0, 0, 20);
        var table = new ConnectionTable(timeouts);
        table.Add(Flow(1, protocol: 17), Start);

        table.ExpireUntil(Start + (19 * Second));
        var before = table.Count;
        table.ExpireUntil(Start + (20 * Second) + Millisecond);

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(1));
            Assert.That(table.Count, Is.Zero);
        });
    }

    [Test]
    public void ExpireUntil_EstablishedUsesTheTcpTimeoutSetByIpvsadm()
    {
        var timeouts = new ConnectionTimeouts();
        timeouts.Set(30, 0, 0);
        var table = new ConnectionTable(timeouts);
        ConnectionTableActivityTests.Established(table, Flow(1));

        table.ExpireUntil(Start + (29 * Second));
        var before = table.Count;
        table.ExpireUntil(Start + (30 * Second) + Millisecond);

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(1));
            Assert.That(table.Count, Is.Zero);
        });
    }

    [Test]
    public void ExpireUntil_ManyConnectionsAtSpreadTimes_ExpireInOrder()
    {
        var table = new ConnectionTable(new ConnectionTimeouts());
        for (var i = 0; i < 1000; i++)
        {
            table.Add(Flow(i, protocol: 17), Start + (i * 10 * Millisecond));
        }

        table.ExpireUntil(Start + (300 * Second) + (5 * Second) + Millisecond);

        Assert.Multiple(() =>
        {
            Assert.That(table.Count, Is.EqualTo(1000 - 501));
            Assert.That(table.FindByClient(17, Flow(500).ClientAddress, Flow(500).ClientPort, Vip, 80, Start + (300 * Second)), Is.EqualTo(-1));
            Assert.That(table.FindByClient(17, Flow(501).ClientAddress, Flow(501).ClientPort, Vip, 80, Start + (300 * Second)), Is.GreaterThanOrEqualTo(0));
        });
    }
}
