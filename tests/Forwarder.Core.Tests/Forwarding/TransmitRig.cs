using Forwarder.Core.Connections;
using Forwarder.Core.Forwarding;
using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Engine;
using Forwarder.Core.Tests.Support;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Tests.Forwarding;

/// <summary>
/// The transmit side alone, without the engine: <see cref="EngineRig"/>'s topology (eth2 public, eth1 private),
/// its neighbour table, and each forwarding method as the engine builds them, writing into one output batch.
/// </summary>
internal sealed class TransmitRig
{
    public TransmitRig(int privateMtu = 1500, string extraTopology = "")
    {
        var text = EngineRig.TopologyText.Replace("192.168.139.1/24 private", $"192.168.139.1/24 private mtu {privateMtu}", StringComparison.Ordinal);
        Topology = TopologyParser.Parse(text + "\n" + extraTopology + "\n");
        Neighbors = new NeighborTable(Topology);
        Resolver = new RecordingResolver(Neighbors);
        Link = new EthernetTransmitter(Topology.Interfaces.Select(i => i.Mac).ToArray(), Resolver);
        var identification = new Ipv4Identification();
        Answers = new LocalAnswerTransmit(Topology, Link, Neighbors, identification);
        Transmits = new TransmitTable(Topology, Link, Neighbors, identification, Answers);
        Masquerade = new MasqueradeTransmit(Link);
    }

    public DirectorTopology Topology { get; }

    public NeighborTable Neighbors { get; }

    /// <summary>The neighbour table as the transmitter sees it, keeping a copy of each frame it is handed to hold.</summary>
    public RecordingResolver Resolver { get; }

    public EthernetTransmitter Link { get; }

    public LocalAnswerTransmit Answers { get; }

    public TransmitTable Transmits { get; }

    public MasqueradeTransmit Masquerade { get; }

    public OutputBatch Output { get; } = new();

    public long Now { get; set; } = EngineRig.Start;

    public FrameContext Context => new(Now, Output);

    public FrameOutcome ToServer(ref Connection connection, byte[] frame) =>
        Transmits[connection.Method].ToServer(Context, ref connection, frame, Fields(frame));

    public FrameOutcome ToClient(ref Connection connection, byte[] frame) =>
        Transmits[connection.Method].ToClient(Context, ref connection, frame, Fields(frame));

    public byte[] Sent(int index = 0) => Output.FrameAt(index).ToArray();

    /// <summary>Tells the neighbour table what ARP would, releasing whatever waited for <paramref name="address"/>.</summary>
    public void Learn(string address, MacAddress mac, int interfaceIndex) =>
        Neighbors.Learn(Frame.Ip(address), mac, interfaceIndex, Output);

    /// <summary>The frames of the batch with this EtherType (0x0800 IPv4, 0x0806 ARP).</summary>
    public List<byte[]> SentOfType(ushort etherType) =>
        Enumerable.Range(0, Output.Count).Select(Sent).Where(f => ((f[12] << 8) | f[13]) == etherType).ToList();

    public static PacketFields Fields(byte[] frame)
    {
        Assert.That(Ipv4Parser.Parse(frame, out var fields), Is.Null, "the frame under test parses");
        return fields;
    }

    /// <summary>A connection of <paramref name="method"/> from the test client to the real server .<paramref name="serverOctet"/>, as the engine opens one (its next hops' neighbour entries taken on first use).</summary>
    public static Connection Connection(ForwardingMethod method, int serverOctet = 131) => new()
    {
        Protocol = 6,
        ClientAddress = Frame.Ip(EngineRig.Client),
        ClientPort = 40000,
        VirtualAddress = Frame.Ip(EngineRig.Vip),
        VirtualPort = 80,
        DestinationAddress = Frame.Ip($"192.168.139.{serverOctet}"),
        DestinationPort = 8080,
        Method = method,
        ServerInterface = EngineRig.Private,
        ClientInterface = EngineRig.Public,
    };
}

/// <summary>Passes everything to the neighbour table, and keeps what each held frame looked like when it was handed over.</summary>
internal sealed class RecordingResolver(INextHopResolver inner) : INextHopResolver
{
    public List<(uint NextHop, int Interface, byte[] Frame)> Held { get; } = [];

    public bool TryGetMac(InetAddress address, out MacAddress mac) => inner.TryGetMac(address, out mac);

    public bool Hold(InetAddress nextHop, int interfaceIndex, ReadOnlySpan<byte> frame, long now, OutputBatch output)
    {
        Held.Add((nextHop.Ipv4Value, interfaceIndex, frame.ToArray()));
        return inner.Hold(nextHop, interfaceIndex, frame, now, output);
    }
}
