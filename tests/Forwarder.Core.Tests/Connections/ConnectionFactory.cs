using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;

namespace Forwarder.Core.Tests.Connections;

/// <summary>Connections and destinations for the connection table's tests.</summary>
internal static class ConnectionFactory
{
    public const long Start = 1_700_000_000_000_000;
    public const long Second = 1_000_000;
    public static readonly uint Vip = Ipv4Address.Parse("192.168.1.199").Value;
    public static readonly uint Server = Ipv4Address.Parse("192.168.139.129").Value;

    public static Destination NewDestination(ForwardingMethod method = ForwardingMethod.Masquerade)
    {
        var service = new VirtualService(new ServiceKey(IpProtocol.Tcp, Vip, 80), new RoundRobinScheduler());
        return new Destination(service, new Ipv4Address(Server), 80, method, 1);
    }

    public static Connection Flow(int index, ForwardingMethod method = ForwardingMethod.Masquerade, Destination? destination = null, byte protocol = 6) => new()
    {
        Protocol = protocol,
        ClientAddress = 0x0A00_0000u + (uint)(index / 50_000),
        ClientPort = (ushort)(1024 + (index % 50_000)),
        VirtualAddress = Vip,
        VirtualPort = 80,
        DestinationAddress = Server + (uint)(index % 3),
        DestinationPort = 8080,
        Method = method,
        Destination = destination,
    };

    public static int FindClient(this ConnectionTable table, in Connection c, long now) =>
        table.FindByClient(c.Protocol, c.ClientAddress, c.ClientPort, c.VirtualAddress, c.VirtualPort, now);

    public static int FindServer(this ConnectionTable table, in Connection c, long now) =>
        table.FindByServer(c.Protocol, c.DestinationAddress, c.DestinationPort, c.ClientAddress, c.ClientPort, now);
}
