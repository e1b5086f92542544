using Forwarder.Core.Services;

namespace Forwarder.Core.Connections;

/// <summary>
/// How long a connection lives after its last packet, per TCP state and for UDP: the kernel's
/// defaults (<c>tcp_timeouts</c>, <c>udp_timeouts</c>). <c>ipvsadm --set tcp tcpfin udp</c> edits
/// ESTABLISHED, FIN_WAIT and UDP.
/// </summary>
public sealed class ConnectionTimeouts
{
    private readonly int[] _tcpSeconds = [2, 900, 120, 60, 120, 120, 10, 60, 30, 120, 120];

    public int UdpSeconds { get; private set; } = 300;

    public int TcpEstablishedSeconds => _tcpSeconds[(int)TcpState.Established];

    public int TcpFinWaitSeconds => _tcpSeconds[(int)TcpState.FinWait];

    public int TcpSeconds(TcpState state) => _tcpSeconds[(int)state];

    /// <summary>As ipvsadm --set: a zero leaves that timeout unchanged.</summary>
    public void Set(int tcpEstablished, int tcpFinWait, int udp)
    {
        if (tcpEstablished > 0)
        {
            _tcpSeconds[(int)TcpState.Established] = tcpEstablished;
        }
        if (tcpFinWait > 0)
        {
            _tcpSeconds[(int)TcpState.FinWait] = tcpFinWait;
        }
        if (udp > 0)
        {
            UdpSeconds = udp;
        }
    }

    public long TimeoutMicroseconds(IpProtocol protocol, TcpState state) =>
        (protocol == IpProtocol.Udp ? UdpSeconds : _tcpSeconds[(int)state]) * 1_000_000L;
}
