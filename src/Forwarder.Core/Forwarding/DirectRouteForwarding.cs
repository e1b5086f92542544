using Forwarder.Core.Connections;
using Forwarder.Core.Frames;

namespace Forwarder.Core.Forwarding;

/// <summary>
/// Direct routing (-g), as <c>ip_vs_dr_xmit</c>: the packet is sent unchanged to the real server's MAC,
/// which holds the virtual address itself and answers the client directly.
/// </summary>
public static class DirectRouteForwarding
{
    public static void ToServer(Span<byte> frame, in Connection connection, MacAddress outMac) =>
        HeaderRewriter.SetEthernet(frame, connection.ServerMac, outMac);
}
