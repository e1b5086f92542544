using Forwarder.Core.Connections;
using Forwarder.Core.Services;
using static Forwarder.Core.Tests.Connections.ConnectionFactory;

namespace Forwarder.Core.Tests.Connections;

/// <summary>ActiveConn/InActConn as the kernel's set_tcp_state moves them, and the NO_OUTPUT input-only table.</summary>
public sealed class ConnectionTableActivityTests
{
    private const byte Fin = 0x01, Syn = 0x02, Rst = 0x04, Ack = 0x10;

    [Test]
    public void Add_NewConnection_CountsAsInactive()
    {
        var destination = NewDestination();
        var table = new ConnectionTable(new ConnectionTimeouts());

        table.Add(Flow(1, destination: destination), Start);

        Assert.Multiple(() =>
        {
            Assert.That(destination.InactiveConnections, Is.EqualTo(1));
            Assert.That(destination.ActiveConnections, Is.Zero);
        });
    }

    [Test]
    public void Touch_Handshake_IsActiveFromTheSyn()
    {
        var destination = NewDestination();
        var table = new ConnectionTable(new ConnectionTimeouts());
        var slot = table.Add(Flow(1, destination: destination), Start);

        table.Touch(slot, PacketDirection.Input, Syn, Start);
        var afterSyn = (table[slot].State, destination.ActiveConnections, destination.InactiveConnections);
        table.Touch(slot, PacketDirection.Output, Syn | Ack, Start);
        var afterSynAck = (table[slot].State, destination.ActiveConnections, destination.InactiveConnections);
        table.Touch(slot, PacketDirection.Input, Ack, Start);
        var afterAck = (table[slot].State, destination.ActiveConnections, destination.InactiveConnections);

        Assert.Multiple(() =>
        {
            // Linux 6.1 (tcp_state_active_table, since 4.8): SYN_RECV is already an active state.
            Assert.That(afterSyn, Is.EqualTo((TcpState.SynRecv, 1, 0)));
            Assert.That(afterSynAck, Is.EqualTo((TcpState.SynRecv, 1, 0)));
            Assert.That(afterAck, Is.EqualTo((TcpState.Established, 1, 0)));
        });
    }

    [Test]
    public void Touch_LeavingEstablished_MovesBackToInactive()
    {
        var destination = NewDestination();
        var table = new ConnectionTable(new ConnectionTimeouts());
        var slot = Established(table, Flow(1, destination: destination));

        table.Touch(slot, PacketDirection.Input, Fin | Ack, Start);

        Assert.Multiple(() =>
        {
            Assert.That(table[slot].State, Is.EqualTo(TcpState.CloseWait));
            Assert.That(destination.ActiveConnections, Is.Zero);
            Assert.That(destination.InactiveConnections, Is.EqualTo(1));
        });
    }

    [Test]
    public void Touch_StayingEstablished_DoesNotCountTwice()
    {
        var destination = NewDestination();
        var table = new ConnectionTable(new ConnectionTimeouts());
        var slot = Established(table, Flow(1, destination: destination));

        table.Touch(slot, PacketDirection.Input, Ack, Start);
        table.Touch(slot, PacketDirection.Output, Ack, Start);

        Assert.That((destination.ActiveConnections, destination.InactiveConnections), Is.EqualTo((1, 0)));
    }

    [Test]
    public void Remove_Established_DecrementsActive()
    {
        var destination = NewDestination();
        var table = new ConnectionTable(new ConnectionTimeouts());
        var active = Established(table, Flow(1, destination: destination));
        table.Add(Flow(2, destination: destination), Start);

        table.Remove(active);

        Assert.That((destination.ActiveConnections, destination.InactiveConnections), Is.EqualTo((0, 1)));
    }

    [Test]
    public void Remove_Inactive_DecrementsInactive()
    {
        var destination = NewDestination();
        var table = new ConnectionTable(new ConnectionTimeouts());
        Established(table, Flow(1, destination: destination));
        var inactive = table.Add(Flow(2, destination: destination), Start);

        table.Remove(inactive);

        Assert.That((destination.ActiveConnections, destination.InactiveConnections), Is.EqualTo((1, 0)));
    }

    [Test]
    public void Expiry_OfAnEstablishedConnection_DecrementsActive()
    {
        var destination = NewDestination();
        var table = new ConnectionTable(new ConnectionTimeouts());
        Established(table, Flow(1, destination: destination));

        table.ExpireExactly(Start + (900 * Second));

        Assert.Multiple(() =>
        {
            Assert.That(table.Count, Is.Zero);
            Assert.That((destination.ActiveConnections, destination.InactiveConnections), Is.EqualTo((0, 0)));
        });
    }

    [Test]
    public void Touch_ClientFinInEstablished_DirectRouteGoesFinWaitAndNatGoesCloseWait()
    {
        var table = new ConnectionTable(new ConnectionTimeouts());
        var direct = Established(table, Flow(1, ForwardingMethod.DirectRoute, NewDestination(ForwardingMethod.DirectRoute)));
        var nat = Established(table, Flow(2, ForwardingMethod.Masquerade, NewDestination()));

        table.Touch(direct, PacketDirection.Input, Fin | Ack, Start);
        table.Touch(nat, PacketDirection.Input, Fin | Ack, Start);

        Assert.Multiple(() =>
        {
            Assert.That((table[direct].Flags & ConnectionFlags.NoOutput) != 0, Is.True, "DR connections carry NO_OUTPUT");
            Assert.That((table[nat].Flags & ConnectionFlags.NoOutput) != 0, Is.False, "NAT connections do not");
            Assert.That(table[direct].State, Is.EqualTo(TcpState.FinWait));
            Assert.That(table[nat].State, Is.EqualTo(TcpState.CloseWait));
        });
    }

    [Test]
    public void Touch_RstFromSynAckOnInputOnly_GoesClose()
    {
        // The one cell where INPUT and INPUT-ONLY differ besides fin/ES: rst in SYNACK (SR vs CL).
        var table = new ConnectionTable(new ConnectionTimeouts());
        var slot = table.Add(Flow(1, ForwardingMethod.DirectRoute), Start);
        table[slot].State = TcpState.SynAck;

        table.Touch(slot, PacketDirection.Input, Rst, Start);

        Assert.That(table[slot].State, Is.EqualTo(TcpState.Close));
    }

    [Test]
    public void Touch_OutputPacketOnNoOutputConnection_ClearsTheFlagAndInputUsesTheInputTable()
    {
        var table = new ConnectionTable(new ConnectionTimeouts());
        var slot = Established(table, Flow(1, ForwardingMethod.DirectRoute));

        table.Touch(slot, PacketDirection.Output, Ack, Start);
        var flagCleared = (table[slot].Flags & ConnectionFlags.NoOutput) == 0;
        table.Touch(slot, PacketDirection.Input, Fin | Ack, Start);

        Assert.Multiple(() =>
        {
            Assert.That(flagCleared, Is.True);
            Assert.That(table[slot].State, Is.EqualTo(TcpState.CloseWait));
        });
    }

    [Test]
    public void Touch_Udp_DoesNotChangeStateOrActivity()
    {
        var destination = NewDestination();
        var table = new ConnectionTable(new ConnectionTimeouts());
        var slot = table.Add(Flow(1, destination: destination, protocol: 17), Start);

        table.Touch(slot, PacketDirection.Input, Ack, Start);
        table.Touch(slot, PacketDirection.Output, Rst, Start);

        Assert.Multiple(() =>
        {
            Assert.That(table[slot].State, Is.EqualTo(TcpState.None));
            Assert.That((destination.ActiveConnections, destination.InactiveConnections), Is.EqualTo((0, 1)));
        });
    }

    internal static int Established(ConnectionTable table, in Connection flow)
    {
        var slot = table.Add(flow, Start);
        table.Touch(slot, PacketDirection.Input, Syn, Start);
        table.Touch(slot, PacketDirection.Input, Ack, Start);
        Assert.That(table[slot].State, Is.EqualTo(TcpState.Established), "setup reaches ESTABLISHED");
        return slot;
    }

    [Test]
    public void Touch_ActiveToActiveState_MovesNoCount()
    {
        // SYN_RECV -> ESTABLISHED stays on the active side: nothing moves (both are active states).
        var destination = NewDestination();
        var table = new ConnectionTable(new ConnectionTimeouts());
        var slot = table.Add(Flow(1, destination: destination), Start);
        table.Touch(slot, PacketDirection.Input, Syn, Start);

        table.Touch(slot, PacketDirection.Input, Ack, Start);

        Assert.That((table[slot].State, destination.ActiveConnections, destination.InactiveConnections), Is.EqualTo((TcpState.Established, 1, 0)));
    }

    [Test]
    public void Touch_SynRecvToTimeWait_MovesOneCountToInactive()
    {
        var destination = NewDestination();
        var table = new ConnectionTable(new ConnectionTimeouts());
        var slot = table.Add(Flow(1, destination: destination), Start);
        table.Touch(slot, PacketDirection.Input, Syn, Start);

        table.Touch(slot, PacketDirection.Input, Fin, Start);

        Assert.That((table[slot].State, destination.ActiveConnections, destination.InactiveConnections), Is.EqualTo((TcpState.TimeWait, 0, 1)));
    }
}
