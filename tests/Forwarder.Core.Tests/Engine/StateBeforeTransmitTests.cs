using Forwarder.Core.Connections;
using Forwarder.Core.Tests.Support;

namespace Forwarder.Core.Tests.Engine;

/// <summary>
/// As ip_vs_in and ip_vs_out: a connection's state and counters move when its packet is accepted, before it
/// is sent, so a packet held or dropped on the way out (its next hop unresolved, the hold queue full) still
/// moves the state. Found by the conformance suite: nine NAT replies to one unresolved client filled the
/// hold queue, and the kernel's FIN_WAIT was our ESTABLISHED.
/// </summary>
public sealed class StateBeforeTransmitTests
{
    [Test]
    public void ServerFin_ToAClientWhoseMacIsUnknown_MovesTheStateEvenWhenTheHoldQueueIsFull()
    {
        var rig = new EngineRig();
        var client = EngineRig.UnknownClient;
        for (ushort port = 41000; port < 41020; port++)
        {
            rig.Feed(rig.ClientSyn(port, client, EngineRig.UnknownClientMac), EngineRig.Public);
        }
        // Replies on nineteen connections fill the hold queue for the client nobody has resolved yet.
        for (ushort port = 41000; port < 41019; port++)
        {
            rig.Feed(EngineRig.ServerSegment(ServerOf(rig, client, port), client, port, syn: true, ack: true), EngineRig.Private);
        }

        var last = ServerOf(rig, client, 41019);
        rig.Feed(EngineRig.ServerSegment(last, client, 41019, fin: true, ack: true), EngineRig.Private);

        var slot = rig.Connections.FindByClient(6, Frame.Ip(client), 41019, Frame.Ip(EngineRig.Vip), 80, rig.Now);
        Assert.That(rig.Connections[slot].State, Is.EqualTo(TcpState.TimeWait), "the server's FIN moved SYN_RECV on (OUTPUT table)");
    }

    private static int ServerOf(EngineRig rig, string client, ushort port)
    {
        var slot = rig.Connections.FindByClient(6, Frame.Ip(client), port, Frame.Ip(EngineRig.Vip), 80, rig.Now);
        return (int)(rig.Connections[slot].DestinationAddress.Ipv4Value & 0xFF);
    }
}
