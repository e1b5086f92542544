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
/// A two-legged director (eth2 public 192.168.1.0/24, eth1 private 192.168.139.0/24) with a NAT service
/// 192.168.1.199:80 rr over .129, .130, .131 and a UDP NAT service 192.168.1.199:53, fed in-memory frames.
/// The client 192.168.1.50 and the gateway are static neighbours; 192.168.1.60 is on-link but unknown (ARP finds it).
/// </summary>
internal sealed class EngineRig
{
    public const string TopologyText = """
        # test director
        interface eth2 02:00:00:00:00:02 192.168.1.1/24 public
        interface eth1 02:00:00:00:00:01 192.168.139.1/24 private

        neighbor 192.168.139.129 00:0c:29:00:01:29 eth1
        neighbor 192.168.139.130 00:0c:29:00:01:30 eth1
        neighbor 192.168.139.131 00:0c:29:00:01:31 eth1
        neighbor 192.168.1.50 00:50:56:00:00:50 eth2
        neighbor 192.168.1.254 00:50:56:00:00:fe eth2
        route default via 192.168.1.254
        """;

    public const int Public = 0;
    public const int Private = 1;
    public const string Vip = "192.168.1.199";
    public const string Client = "192.168.1.50";
    public const string UnknownClient = "192.168.1.60";
    public const long Start = 1_700_000_000_000_000;

    public static readonly MacAddress PublicMac = Frame.Mac("02:00:00:00:00:02");
    public static readonly MacAddress PrivateMac = Frame.Mac("02:00:00:00:00:01");
    public static readonly MacAddress ClientMac = Frame.Mac("00:50:56:00:00:50");
    public static readonly MacAddress GatewayMac = Frame.Mac("00:50:56:00:00:fe");
    public static readonly MacAddress UnknownClientMac = Frame.Mac("00:50:56:00:00:60");
    public static readonly ServiceKey TcpKey = new(IpProtocol.Tcp, Ipv4Address.Parse(Vip).Value, 80);
    public static readonly ServiceKey UdpKey = new(IpProtocol.Udp, Ipv4Address.Parse(Vip).Value, 53);

    /// <param name="method">How the three real servers are reached (-m, -g, -i).</param>
    /// <param name="extraTopology">Lines appended to <see cref="TopologyText"/> (e.g. <c>masquerade 192.168.139.0/24</c>).</param>
    /// <param name="privateMtu">The private link's MTU (tunnelling tests).</param>
    /// <param name="maximumConnections">The connection table's bound.</param>
    /// <param name="settings">The engine's settings (the kernel's sysctl defaults when null).</param>
    public EngineRig(ForwardingMethod method = ForwardingMethod.Masquerade, string extraTopology = "", int privateMtu = 1500,
        int maximumConnections = ConnectionTable.DefaultMaximum, EngineSettings? settings = null)
    {
        Services = new ServiceTable(SchedulerRegistry.Create);
        Services.AddService(new ServiceSpec(TcpKey, "rr"));
        Services.AddService(new ServiceSpec(UdpKey, "rr"));
        foreach (var octet in new[] { 129, 130, 131 })
        {
            Services.AddDestination(TcpKey, new DestinationSpec(Ipv4Address.Parse($"192.168.139.{octet}"), 80, method));
            Services.AddDestination(UdpKey, new DestinationSpec(Ipv4Address.Parse($"192.168.139.{octet}"), 53, method));
        }
        Connections = new ConnectionTable(new ConnectionTimeouts(), maximumConnections);
        var topology = TopologyText.Replace("192.168.139.1/24 private", $"192.168.139.1/24 private mtu {privateMtu}", StringComparison.Ordinal);
        Engine = new DirectorEngine(TopologyParser.Parse(topology + "\n" + extraTopology + "\n"), Services, Connections, settings);
    }

    public ServiceTable Services { get; }

    public ConnectionTable Connections { get; }

    public DirectorEngine Engine { get; }

    public OutputBatch Output { get; } = new();

    public long Now { get; set; } = Start;

    public Destination TcpServer(int octet) =>
        Services.Services.Single(s => s.Key == TcpKey).FindDestination(Ipv4Address.Parse($"192.168.139.{octet}"), 80)!;

    public static MacAddress ServerMac(int octet) => Frame.Mac($"00:0c:29:00:01:{octet - 100}");

    /// <summary>Processes one frame with an empty output batch, returning the outcome.</summary>
    public FrameOutcome Feed(byte[] frame, int interfaceIndex)
    {
        Output.Clear();
        return Engine.Process(frame, interfaceIndex, Now, Output);
    }

    /// <summary>A copy of output frame <paramref name="index"/> (for use inside assertion lambdas).</summary>
    public byte[] Sent(int index = 0) => Output.FrameAt(index).ToArray();

    public byte[] ClientSyn(ushort port = 40000, string client = Client, MacAddress? source = null, byte ttl = 64) =>
        Frame.Tcp(source ?? ClientMac, PublicMac, client, port, Vip, 80, syn: true, ttl: ttl);

    public static byte[] ServerSegment(int octet, string client, ushort clientPort, bool syn = false, bool ack = false, bool fin = false, bool rst = false, byte ttl = 64) =>
        Frame.Tcp(ServerMac(octet), PrivateMac, $"192.168.139.{octet}", 80, client, clientPort, syn: syn, ack: ack, fin: fin, rst: rst, ttl: ttl);
}
