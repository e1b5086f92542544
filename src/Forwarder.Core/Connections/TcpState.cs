namespace Forwarder.Core.Connections;

/// <summary>IPVS's TCP connection states, in the kernel's order (<c>IP_VS_TCP_S_*</c>): the state tables index by it.</summary>
public enum TcpState : byte
{
    None,
    Established,
    SynSent,
    SynRecv,
    FinWait,
    TimeWait,
    Close,
    CloseWait,
    LastAck,
    Listen,
    SynAck,
}
