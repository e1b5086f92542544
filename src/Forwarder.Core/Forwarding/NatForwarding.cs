using Forwarder.Core.Connections;
using Forwarder.Core.Frames;

namespace Forwarder.Core.Forwarding;

/// <summary>
/// Masquerading (-m), as <c>ip_vs_nat_xmit</c> and IPVS's reply handling: requests get the real server
/// as destination, replies get the virtual service back as source. The request leaves the director as a
/// locally delivered packet would (TTL kept); the reply is routed, so its TTL drops by one.
/// </summary>
public static class NatForwarding
{
    public static void ToServer(Span<byte> frame, in PacketFields fields, in Connection connection, MacAddress outMac)
    {
        HeaderRewriter.SetEthernet(frame, connection.ServerMac, outMac);
        HeaderRewriter.SetDestination(frame, fields, connection.DestinationAddress, connection.DestinationPort);
    }

    public static void ToClient(Span<byte> frame, in PacketFields fields, in Connection connection, MacAddress outMac)
    {
        HeaderRewriter.SetEthernet(frame, connection.ClientMac, outMac);
        HeaderRewriter.SetSource(frame, fields, connection.VirtualAddress, connection.VirtualPort);
        HeaderRewriter.DecrementTtl(frame);
    }
}
