using System.Net;
using System.Net.NetworkInformation;
using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;
using PacketDotNet;

namespace Forwarder.Benchmarks;

/// <summary>
/// The benchmarks' world, built once and off the clock: the seed's director (eth2 public, eth1 private),
/// one NAT service 192.168.1.199:80 rr over three real servers, and the frames of
/// <see cref="Flows"/> distinct client address:port pairs, each kind in one array in the order it is sent.
/// <see cref="Create"/> with <c>ipv6</c> builds the same world over IPv6 (<see cref="Ipv6TopologyText"/>): VIP
/// [2001:db8::199]:80, real servers 2001:db8:139::252..254, clients in the benchmarking range 2001:2::/48 (RFC 5180)
/// behind the router; a client's 32-bit number is then the low bits of its IPv6 address.
/// </summary>
public sealed class EngineLab
{
    /// <summary>Concurrent flows: 100 client addresses × 100 source ports.</summary>
    public const int Flows = 10_000;

    public const int ClientAddresses = 100;
    public const int FirstClientPort = 40_000;

    /// <summary>TCP payload of the established frames (a small request or response segment).</summary>
    public const int PayloadBytes = 64;

    /// <summary>Frames the engine may write before the caller "sends" them and clears the batch.</summary>
    public const int BatchFrames = 256;

    /// <summary>Engine time between two frames: 1 µs, a director offered one million frames a second.</summary>
    public const long MicrosecondsPerFrame = 1;

    public const string TopologyText = """
        # The seed's director: eth1 faces the real servers, eth2 the clients (through the router .1).
        interface eth1 00:0c:29:3e:8b:10 192.168.139.142/24 private
        interface eth2 00:0c:29:3e:8b:1a 192.168.1.113/24 public
        neighbor 192.168.139.252 00:0c:29:aa:00:fc eth1
        neighbor 192.168.139.253 00:0c:29:aa:00:fd eth1
        neighbor 192.168.139.254 00:0c:29:aa:00:fe eth1
        neighbor 192.168.1.1 00:0c:29:bb:00:01 eth2
        route default via 192.168.1.1
        """;

    public const string Ipv6TopologyText = """
        # The seed's director with IPv6 on both legs.
        interface eth1 00:0c:29:3e:8b:10 192.168.139.142/24 private inet6 2001:db8:139::142/64
        interface eth2 00:0c:29:3e:8b:1a 192.168.1.113/24 public inet6 2001:db8:1::113/64
        neighbor 2001:db8:139::252 00:0c:29:aa:00:fc eth1
        neighbor 2001:db8:139::253 00:0c:29:aa:00:fd eth1
        neighbor 2001:db8:139::254 00:0c:29:aa:00:fe eth1
        neighbor 2001:db8:1::1 00:0c:29:bb:00:01 eth2
        route default via 2001:db8:1::1
        """;

    public static readonly InetAddress Ipv6VirtualAddress = InetAddress.Parse("2001:db8::199");

    public static readonly InetAddress[] Ipv6RealServers =
    [
        InetAddress.Parse("2001:db8:139::252"),
        InetAddress.Parse("2001:db8:139::253"),
        InetAddress.Parse("2001:db8:139::254"),
    ];

    public static readonly Ipv4Address VirtualAddress = Ipv4Address.Parse("192.168.1.199");
    public const ushort VirtualPort = 80;

    public static readonly Ipv4Address[] RealServers =
    [
        Ipv4Address.Parse("192.168.139.252"),
        Ipv4Address.Parse("192.168.139.253"),
        Ipv4Address.Parse("192.168.139.254"),
    ];

    /// <summary>Clients sit behind the default gateway, in the benchmarking range 198.18.0.0/15.</summary>
    public static readonly uint FirstClientAddress = Ipv4Address.Parse("198.18.0.1").Value;

    private static readonly PhysicalAddress RouterMac = PhysicalAddress.Parse("00-0C-29-BB-00-01");

    private EngineLab(DirectorTopology topology, ServiceTable services, ConnectionTable connections, bool ipv6)
    {
        IsIpv6 = ipv6;
        Topology = topology;
        Services = services;
        Connections = connections;
        Engine = new DirectorEngine(topology, services, connections);
        PublicIndex = topology.Public.Index;
        PrivateIndex = topology.Private.Index;
    }

    public DirectorTopology Topology { get; }

    /// <summary>Whether this lab's traffic is IPv6.</summary>
    public bool IsIpv6 { get; }

    /// <summary>The service's address in this lab's family.</summary>
    public InetAddress Vip => IsIpv6 ? Ipv6VirtualAddress : VirtualAddress;

    /// <summary>A client's address from its 32-bit number: itself in IPv4, 2001:2::/48 with it as the low bits in IPv6.</summary>
    public InetAddress ClientAddressOf(uint client) => IsIpv6 ? InetAddress.FromIpv6(0x2001_0002_0000_0000UL, client) : InetAddress.FromIpv4(client);

    public ServiceTable Services { get; }

    public ConnectionTable Connections { get; }

    public DirectorEngine Engine { get; }

    public OutputBatch Output { get; } = new(1 << 18, BatchFrames);

    public int PublicIndex { get; }

    public int PrivateIndex { get; }

    /// <summary>The engine's clock, which the benchmarks move on by <see cref="MicrosecondsPerFrame"/> a frame.</summary>
    public long Now { get; set; } = 1_700_000_000_000_000;

    /// <summary>A fresh engine with an empty table that may hold far more than <see cref="Flows"/> connections.</summary>
    public static EngineLab Create(int maximumConnections = ConnectionTable.DefaultMaximum, bool ipv6 = false)
    {
        var topology = TopologyParser.Parse(ipv6 ? Ipv6TopologyText : TopologyText);
        var services = new ServiceTable(SchedulerRegistry.Create);
        var key = new ServiceKey(IpProtocol.Tcp, ipv6 ? Ipv6VirtualAddress : VirtualAddress, VirtualPort);
        services.AddService(new ServiceSpec(key, "rr"));
        foreach (var server in ipv6 ? Ipv6RealServers.Reverse() : RealServers.Reverse().Select(a => (InetAddress)a))
        {
            services.AddDestination(key, new DestinationSpec(server, VirtualPort, ForwardingMethod.Masquerade));
        }
        var connections = new ConnectionTable(new ConnectionTimeouts(), maximum: maximumConnections);
        return new EngineLab(topology, services, connections, ipv6);
    }

    /// <summary>The flows (client address, client port) in a fixed shuffled order, so table lookups hit memory as real traffic would.</summary>
    public static (uint Address, ushort Port)[] ShuffledClients(int seed)
    {
        var clients = new (uint, ushort)[Flows];
        for (var i = 0; i < Flows; i++)
        {
            clients[i] = (FirstClientAddress + (uint)(i % ClientAddresses), (ushort)(FirstClientPort + (i / ClientAddresses)));
        }
        new Random(seed).Shuffle(clients);
        return clients;
    }

    /// <summary>A client's segment to the virtual service, as the router hands it to eth2.</summary>
    public byte[] ClientFrame((uint Address, ushort Port) client, bool syn, bool ack, int payloadBytes)
    {
        var tcp = new TcpPacket(client.Port, VirtualPort)
        {
            Synchronize = syn,
            Acknowledgment = ack,
            Push = payloadBytes > 0,
            SequenceNumber = 1000,
            AcknowledgmentNumber = ack ? 2001u : 0u,
            WindowSize = 64240,
        };
        return Build(tcp, ClientAddressOf(client.Address), Vip, RouterMac, ToPhysical(Topology.Public.Mac), payloadBytes);
    }

    /// <summary>The real server's segment back to the client, as it reaches eth1.</summary>
    public byte[] ServerFrame(in Connection connection, bool syn, bool ack, int payloadBytes)
    {
        var tcp = new TcpPacket(connection.DestinationPort, connection.ClientPort)
        {
            Synchronize = syn,
            Acknowledgment = ack,
            Push = payloadBytes > 0,
            SequenceNumber = 2000,
            AcknowledgmentNumber = 1001,
            WindowSize = 65160,
        };
        var server = connection.DestinationAddress;
        var serverMac = Topology.Neighbors.Single(n => n.Address == server).Mac;
        return Build(tcp, connection.DestinationAddress, connection.ClientAddress, ToPhysical(serverMac), ToPhysical(Topology.Private.Mac), payloadBytes);
    }

    /// <summary>Sends frames through the engine off the clock, insisting that every one is forwarded.</summary>
    public void ProcessAll(byte[][] frames, int interfaceIndex)
    {
        foreach (var frame in frames)
        {
            Now += MicrosecondsPerFrame;
            var outcome = Engine.Process(frame, interfaceIndex, Now, Output);
            if (outcome != FrameOutcome.Forwarded)
            {
                throw new InvalidOperationException($"setup frame was {outcome}, not forwarded");
            }
            if (Output.Count == BatchFrames)
            {
                Output.Clear();
            }
        }
        Output.Clear();
    }

    /// <summary>Ends every connection (off the clock), so the same SYNs open new connections again; the arrays keep their size.</summary>
    public void ClearConnections()
    {
        foreach (var slot in Connections.Slots().ToList())
        {
            Connections.Remove(slot);
        }
    }

    private static byte[] Build(TcpPacket tcp, InetAddress source, InetAddress destination, PhysicalAddress sourceMac, PhysicalAddress destinationMac, int payloadBytes)
    {
        if (payloadBytes > 0)
        {
            var payload = new byte[payloadBytes];
            for (var i = 0; i < payload.Length; i++)
            {
                payload[i] = (byte)('a' + (i % 26));
            }
            tcp.PayloadData = payload;
        }
        if (source.IsIpv6)
        {
            var ip6 = new IPv6Packet(ToIp(source), ToIp(destination)) { HopLimit = 64, PayloadPacket = tcp };
            var ethernet6 = new EthernetPacket(sourceMac, destinationMac, EthernetType.IPv6) { PayloadPacket = ip6 };
            ip6.UpdateCalculatedValues();
            tcp.UpdateTcpChecksum();
            return ethernet6.Bytes.ToArray();
        }
        var ip = new IPv4Packet(ToIp(source), ToIp(destination)) { TimeToLive = 64, PayloadPacket = tcp };
        var ethernet = new EthernetPacket(sourceMac, destinationMac, EthernetType.IPv4) { PayloadPacket = ip };
        ip.UpdateCalculatedValues();
        tcp.UpdateTcpChecksum();
        ip.UpdateIPChecksum();
        return ethernet.Bytes.ToArray();
    }

    private static IPAddress ToIp(InetAddress address)
    {
        if (address.IsIpv4)
        {
            var value = address.Ipv4Value;
            return new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
        }
        var bytes = new byte[16];
        address.WriteIpv6(bytes);
        return new IPAddress(bytes);
    }

    private static PhysicalAddress ToPhysical(MacAddress mac)
    {
        var bytes = new byte[MacAddress.Length];
        mac.Write(bytes);
        return new PhysicalAddress(bytes);
    }
}
