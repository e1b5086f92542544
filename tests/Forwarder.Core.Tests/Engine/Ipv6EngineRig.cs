using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Tests.Engine;

/// <summary>
/// The <see cref="EngineRig"/> director with IPv6 beside IPv4: eth2 public 2001:db8::1/64, eth1 private
/// 2001:db8:139::1/64, a TCP service [2001:db8::113]:80 rr and a UDP one [2001:db8::113]:53 over ::129, ::130,
/// ::131 (in that order, so rr starts with ::131 as the seed's web3); the client ::50 and the gateway ::fe static
/// neighbours, ::129 and ::130 static, ::131 left for Neighbour Discovery unless <c>allStatic</c>.
/// </summary>
internal sealed class Ipv6EngineRig
{
    public const int Public = 0;
    public const int Private = 1;
    public const string Vip = "2001:db8::113";
    public const string Client = "2001:db8::50";
    public const string RemoteClient = "2001:db8:ff::7";
    public const string DirectorPrivate = "2001:db8:139::1";
    public const string DirectorPublic = "2001:db8::1";

    public static readonly ServiceKey TcpKey = new(IpProtocol.Tcp, InetAddress.Parse(Vip), 80);
    public static readonly ServiceKey UdpKey = new(IpProtocol.Udp, InetAddress.Parse(Vip), 53);

    public Ipv6EngineRig(ForwardingMethod method = ForwardingMethod.Masquerade, bool allStatic = true, string extraTopology = "", EngineSettings? settings = null,
        int privateMtu = 1500)
    {
        var topology = $"""
            interface eth2 02:00:00:00:00:02 192.168.1.1/24 public inet6 {DirectorPublic}/64
            interface eth1 02:00:00:00:00:01 192.168.139.1/24 private mtu {privateMtu} inet6 {DirectorPrivate}/64
            neighbor 2001:db8:139::129 00:0c:29:00:01:29 eth1
            neighbor 2001:db8:139::130 00:0c:29:00:01:30 eth1
            {(allStatic ? "neighbor 2001:db8:139::131 00:0c:29:00:01:31 eth1" : string.Empty)}
            neighbor {Client} 00:50:56:00:00:50 eth2
            neighbor 2001:db8::fe 00:50:56:00:00:fe eth2
            route default via 2001:db8::fe
            {extraTopology}
            """;
        Services = new ServiceTable(SchedulerRegistry.Create);
        Services.AddService(new ServiceSpec(TcpKey, "rr"));
        Services.AddService(new ServiceSpec(UdpKey, "rr"));
        foreach (var host in new[] { 129, 130, 131 })
        {
            Services.AddDestination(TcpKey, new DestinationSpec(Server(host), 80, method));
            Services.AddDestination(UdpKey, new DestinationSpec(Server(host), 53, method));
        }
        Connections = new ConnectionTable(new ConnectionTimeouts());
        Engine = new DirectorEngine(TopologyParser.Parse(topology), Services, Connections, settings);
    }

    public ServiceTable Services { get; }

    public ConnectionTable Connections { get; }

    public DirectorEngine Engine { get; }

    public OutputBatch Output { get; } = new();

    public long Now { get; set; } = EngineRig.Start;

    public static InetAddress Server(int host) => InetAddress.Parse($"2001:db8:139::{host}");

    public static MacAddress ServerMac(int host) => EngineRig.ServerMac(host);

    public Destination TcpServer(int host) => Services.Services.Single(s => s.Key == TcpKey).FindDestination(Server(host), 80)!;

    public FrameOutcome Feed(byte[] frame, int interfaceIndex)
    {
        Output.Clear();
        return Engine.Process(frame, interfaceIndex, Now, Output);
    }

    public byte[] Sent(int index = 0) => Output.FrameAt(index).ToArray();

    public static byte[] ClientSegment(byte flags, ushort port = 40000, string client = Client, byte hopLimit = 64, int payload = 0, MacAddress? source = null) =>
        Ipv6Frame.Tcp(source ?? EngineRig.ClientMac, EngineRig.PublicMac, client, port, Vip, 80, flags, hopLimit, payload);

    public static byte[] ServerSegment(int host, byte flags, ushort clientPort = 40000, string client = Client, byte hopLimit = 64) =>
        Ipv6Frame.Tcp(ServerMac(host), EngineRig.PrivateMac, $"2001:db8:139::{host}", 80, client, clientPort, flags, hopLimit);
}
