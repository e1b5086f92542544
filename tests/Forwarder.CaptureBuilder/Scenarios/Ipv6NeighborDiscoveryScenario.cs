using System.Net;
using Forwarder.CaptureBuilder.Frames;
using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// Neighbour Discovery around one IPv6 NAT connection: the client solicits the VIP (the director advertises it),
/// then opens a connection; the real server is no static neighbour, so the director solicits it and holds the SYN
/// until its advertisement; the server's SYN-ACK goes back to the client the director learned from its solicitation.
/// </summary>
public sealed class Ipv6NeighborDiscoveryScenario : ICaptureScenario
{
    private static readonly NetworkHost Client = NetworkHost.Parse("02:00:00:00:01:6a", "2001:db8::106");
    private static readonly NetworkHost VirtualService = NetworkHost.Parse("02:00:00:00:01:71", "2001:db8::113");
    private static readonly NetworkHost DirectorPrivate = NetworkHost.Parse("02:00:00:00:8b:8e", "2001:db8:139::142");
    private static readonly NetworkHost Web1 = NetworkHost.Parse("02:00:00:00:8b:fe", "2001:db8:139::129");

    public string Name => "ipv6-nd";

    public IReadOnlyDictionary<string, IReadOnlyList<TimedFrame>> BuildCaptures()
    {
        TimedFrame Tcp(double at, NetworkHost from, System.Net.NetworkInformation.PhysicalAddress toMac, IPAddress to, ushort fromPort, ushort toPort,
            uint seq, uint ack, TcpControlBits flags, byte hopLimit, ReadOnlyMemory<byte> options) =>
            new(ScenarioClock.At(at), TcpFrameFactory.Build(new TcpSegmentSpec
            {
                SourceMac = from.Mac,
                DestinationMac = toMac,
                SourceAddress = from.Address,
                DestinationAddress = to,
                SourcePort = fromPort,
                DestinationPort = toPort,
                Sequence = seq,
                Acknowledgment = ack,
                Flags = flags,
                Window = flags.HasFlag(TcpControlBits.Syn) ? (ushort)64800 : (ushort)507,
                IpId = 0,
                TimeToLive = hopLimit,
                Options = options,
            }));

        return new Dictionary<string, IReadOnlyList<TimedFrame>>
        {
            ["eth2"] =
            [
                new(ScenarioClock.At(0), NeighborDiscoveryFrameFactory.Solicitation(Client, VirtualService.Address)),
                Tcp(0.001, Client, VirtualService.Mac, VirtualService.Address, 51729, 80, 1_000_000, 0, TcpControlBits.Syn, 128, TcpOptionLayouts.WindowsSyn),
                Tcp(0.003, Client, VirtualService.Mac, VirtualService.Address, 51729, 80, 1_000_001, 3_000_001, TcpControlBits.Ack, 128, default),
            ],
            ["eth1"] =
            [
                new(ScenarioClock.At(0.0015), NeighborDiscoveryFrameFactory.SolicitedAdvertisement(Web1, DirectorPrivate)),
                Tcp(0.002, Web1, DirectorPrivate.Mac, Client.Address, 80, 51729, 3_000_000, 1_000_001, TcpControlBits.Syn | TcpControlBits.Ack, 64, TcpOptionLayouts.LinuxSynAck),
            ],
        };
    }
}
