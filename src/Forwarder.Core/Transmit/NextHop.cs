using Forwarder.Core.Frames;

namespace Forwarder.Core.Transmit;

/// <summary>
/// Where a frame goes at the link layer: the interface, the next hop's address (IPv4 or IPv6) and its MAC, which is
/// <see cref="MacAddress.Zero"/> while ARP has not found it (the frame then waits for it).
/// </summary>
public readonly record struct NextHop(int Interface, InetAddress Address, MacAddress Mac)
{
    public bool IsResolved => Mac.Value != 0;
}
