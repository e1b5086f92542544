using Forwarder.Core.Frames;

namespace Forwarder.Core.Connections;

/// <summary>
/// The next TCP state as kernel IPVS computes it (<c>tcp_states</c> in <c>ip_vs_proto_tcp.c</c>):
/// the packet's flag class — RST first, then SYN, FIN, ACK — picks a row of the direction's table,
/// the current state a column. A packet with none of those flags moves the connection to CLOSE, as the kernel does.
/// An ACK on a connection still in NONE (one opened without a SYN, as the kernel's sloppy_tcp allows) goes to
/// ESTABLISHED from the client side as from the server side, as Linux 6.1 showed.
/// </summary>
public static class TcpStateTable
{
    private const TcpState NO = TcpState.None, ES = TcpState.Established, SS = TcpState.SynSent, SR = TcpState.SynRecv,
        FW = TcpState.FinWait, TW = TcpState.TimeWait, CL = TcpState.Close, CW = TcpState.CloseWait,
        LA = TcpState.LastAck, LI = TcpState.Listen, SA = TcpState.SynAck;

    // [direction * 4 + flag class][current state]; columns: NO ES SS SR FW TW CL CW LA LI SA.
    private static readonly TcpState[][] Next =
    [
        // Input
        [SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR], // syn
        [CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, TW], // fin
        [ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES], // ack
        [CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, SR], // rst
        // Output
        [SS, ES, SS, SR, SS, SS, SS, SS, SS, LI, SR],
        [TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW],
        [ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES],
        [CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL],
        // Input only
        [SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR],
        [CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW],
        [ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES],
        [CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL],
    ];

    public static TcpState NextState(TcpState current, PacketDirection direction, byte tcpFlags)
    {
        var flagClass = (tcpFlags & FrameLayout.TcpRst) != 0 ? 3
            : (tcpFlags & FrameLayout.TcpSyn) != 0 ? 0
            : (tcpFlags & FrameLayout.TcpFin) != 0 ? 1
            : (tcpFlags & FrameLayout.TcpAck) != 0 ? 2
            : -1;
        return flagClass < 0 ? TcpState.Close : Next[((int)direction * 4) + flagClass][(int)current];
    }

    /// <summary>
    /// Whether a connection in this state counts in its destination's ActiveConn (else InActConn). Since
    /// Linux 4.8 (<c>tcp_state_active_table</c>) the handshake states count as active too, so a connection
    /// is active from its first SYN; before, only ESTABLISHED did.
    /// </summary>
    public static bool IsActive(TcpState state) =>
        state is TcpState.Established or TcpState.SynSent or TcpState.SynRecv or TcpState.SynAck;

    /// <summary>The names <c>ipvsadm -Lc</c> prints.</summary>
    public static string Name(TcpState state) => state switch
    {
        TcpState.None => "NONE",
        TcpState.Established => "ESTABLISHED",
        TcpState.SynSent => "SYN_SENT",
        TcpState.SynRecv => "SYN_RECV",
        TcpState.FinWait => "FIN_WAIT",
        TcpState.TimeWait => "TIME_WAIT",
        TcpState.Close => "CLOSE",
        TcpState.CloseWait => "CLOSE_WAIT",
        TcpState.LastAck => "LAST_ACK",
        TcpState.Listen => "LISTEN",
        TcpState.SynAck => "SYNACK",
        _ => "ERR!",
    };
}
