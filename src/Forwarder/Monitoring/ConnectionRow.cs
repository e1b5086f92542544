using Forwarder.Core.Frames;

namespace Forwarder.Monitoring;

/// <summary>One line of /proc/net/ip_vs_conn, copied from the connection table on the engine's thread: plain values, no references.</summary>
public struct ConnectionRow
{
    public InetAddress ClientAddress;
    public InetAddress VirtualAddress;
    public InetAddress DestinationAddress;
    public ushort ClientPort;
    public ushort VirtualPort;
    public ushort DestinationPort;
    public byte Protocol;
    public bool IsTemplate;
    public Forwarder.Core.Connections.TcpState State;

    /// <summary>Whole seconds left, rounded down as the kernel's <c>(expires - jiffies) / HZ</c>.</summary>
    public uint SecondsLeft;
}
