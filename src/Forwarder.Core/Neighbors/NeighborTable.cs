using Forwarder.Core.Frames;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Neighbors;

/// <summary>
/// MAC addresses of the hosts on the director's links: the topology's static neighbours (which always win),
/// and those learned from ARP. A frame for a host not yet known waits here, bounded, while ARP asks for it:
/// a request per second, three in all, as the kernel's neighbour code retries; then the frames are dropped
/// and counted.
/// </summary>
public sealed class NeighborTable : INextHopResolver
{
    public const int MaximumLearned = 4096;
    public const int MaximumHeldFrames = 256;
    public const int MaximumHeldPerAddress = 16;
    private const long RetryMicroseconds = 1_000_000;
    private const int Attempts = 3;

    private readonly DirectorTopology _topology;
    private readonly Dictionary<uint, Neighbor> _learned = new();
    private readonly Dictionary<uint, PendingResolution> _pending = new();
    private int _heldFrames;

    public NeighborTable(DirectorTopology topology)
    {
        _topology = topology;
    }

    /// <summary>Frames dropped because their next hop never answered ARP, or because too many were waiting.</summary>
    public long UnresolvedDrops { get; private set; }

    public long RequestsSent { get; private set; }

    public int LearnedCount => _learned.Count;

    /// <summary>
    /// The next hop toward <paramref name="destination"/>: the host itself when on one of our links, else
    /// the default gateway; and the interface it is reached by. False when there is no route.
    /// </summary>
    public bool TryRoute(uint destination, out uint nextHop, out int interfaceIndex)
    {
        if (_topology.FindOnLinkInterface(destination) is { } link)
        {
            nextHop = destination;
            interfaceIndex = link.Index;
            return true;
        }
        if (_topology.DefaultGateway is { } gateway && _topology.FindOnLinkInterface(gateway.Value) is { } gatewayLink)
        {
            nextHop = gateway.Value;
            interfaceIndex = gatewayLink.Index;
            return true;
        }
        nextHop = 0;
        interfaceIndex = -1;
        return false;
    }

    public bool TryGetMac(uint address, out MacAddress mac)
    {
        if (_topology.TryGetNeighbor(address, out var fixedNeighbor))
        {
            mac = fixedNeighbor.Mac;
            return true;
        }
        if (_learned.TryGetValue(address, out var learned))
        {
            mac = learned.Mac;
            return true;
        }
        mac = MacAddress.Zero;
        return false;
    }

    /// <summary>
    /// Keeps a ready frame (all but its Ethernet header) until <paramref name="nextHop"/> answers ARP,
    /// asking for it now unless a request is already out. False when it had to be dropped.
    /// </summary>
    public bool Hold(uint nextHop, int interfaceIndex, ReadOnlySpan<byte> frame, long now, OutputBatch output)
    {
        if (!_pending.TryGetValue(nextHop, out var pending))
        {
            pending = new PendingResolution(interfaceIndex);
            _pending.Add(nextHop, pending);
            SendRequest(nextHop, pending, now, output);
        }
        if (_heldFrames >= MaximumHeldFrames || pending.Frames.Count >= MaximumHeldPerAddress)
        {
            UnresolvedDrops++;
            return false;
        }
        pending.Frames.Add(frame.ToArray());
        _heldFrames++;
        return true;
    }

    /// <summary>Records what ARP told us and sends the frames that were waiting for it.</summary>
    public void Learn(uint address, MacAddress mac, int interfaceIndex, OutputBatch output)
    {
        if (mac == MacAddress.Zero || mac == MacAddress.Broadcast || _topology.TryGetNeighbor(address, out _))
        {
            return;
        }
        if (!_learned.ContainsKey(address) && _learned.Count >= MaximumLearned)
        {
            // Bounded: forget an arbitrary entry; it is asked for again when next needed.
            foreach (var key in _learned.Keys)
            {
                _learned.Remove(key);
                break;
            }
        }
        _learned[address] = new Neighbor(new Ipv4Address(address), mac, interfaceIndex);
        if (_pending.Remove(address, out var pending))
        {
            foreach (var held in pending.Frames)
            {
                var sent = output.Add(pending.InterfaceIndex, held.Length);
                if (sent.IsEmpty)
                {
                    UnresolvedDrops++;
                    continue;
                }
                held.CopyTo(sent);
                // The frame's one Ethernet header, now that its next hop is known.
                Ipv4HeaderWriter.WriteEthernet(sent, mac, _topology.Interfaces[pending.InterfaceIndex].Mac);
            }
            _heldFrames -= pending.Frames.Count;
        }
    }

    /// <summary>Repeats unanswered requests once a second; three seconds after the first, drops what waited.</summary>
    public void Tick(long now, OutputBatch output)
    {
        if (_pending.Count == 0)
        {
            return;
        }
        List<uint>? givenUp = null;
        foreach (var (address, pending) in _pending)
        {
            // Measured from the first request, so a clock that jumps (an idle capture) gives up on time too.
            if (now - pending.FirstRequest >= Attempts * RetryMicroseconds)
            {
                (givenUp ??= new List<uint>()).Add(address);
            }
            else if (now - pending.LastRequest >= RetryMicroseconds)
            {
                SendRequest(address, pending, now, output);
            }
        }
        foreach (var address in givenUp ?? [])
        {
            var pending = _pending[address];
            UnresolvedDrops += pending.Frames.Count;
            _heldFrames -= pending.Frames.Count;
            _pending.Remove(address);
        }
    }

    private void SendRequest(uint address, PendingResolution pending, long now, OutputBatch output)
    {
        if (pending.Requests++ == 0)
        {
            pending.FirstRequest = now;
        }
        pending.LastRequest = now;
        var link = _topology.Interfaces[pending.InterfaceIndex];
        var request = output.Add(link.Index, ArpFrames.FrameLength);
        if (request.IsEmpty)
        {
            return;
        }
        ArpFrames.Write(request, FrameLayout.ArpRequest, MacAddress.Broadcast, link.Mac, link.Address.Value, MacAddress.Zero, address);
        RequestsSent++;
    }

    private sealed class PendingResolution(int interfaceIndex)
    {
        public int InterfaceIndex { get; } = interfaceIndex;

        public List<byte[]> Frames { get; } = new();

        public int Requests { get; set; }

        public long FirstRequest { get; set; }

        public long LastRequest { get; set; }
    }
}
