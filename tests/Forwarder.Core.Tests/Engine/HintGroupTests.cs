using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Engine;

/// <summary>
/// DirectorEngine.HintGroup and the connection table's hints: a group hinted before its frames are processed comes
/// out exactly as the same frames processed alone, whatever the frames are, and a hint never changes the table.
/// </summary>
public sealed class HintGroupTests
{
    [Test]
    public void HintedGroups_GiveTheSameOutcomesAndBytesAsFramesProcessedAlone()
    {
        var frames = MixedTraffic();
        var (plainOutcomes, plainBytes) = Run(frames, hinted: false);

        var (hintedOutcomes, hintedBytes) = Run(frames, hinted: true);

        Assert.Multiple(() =>
        {
            Assert.That(hintedOutcomes, Is.EqualTo(plainOutcomes));
            Assert.That(hintedBytes, Is.EqualTo(plainBytes));
            Assert.That(plainOutcomes, Does.Contain(FrameOutcome.Forwarded), "the mix forwards");
            Assert.That(plainOutcomes, Does.Contain(FrameOutcome.DroppedMalformed), "and drops");
        });
    }

    [Test]
    public void FramesOtherThanTheOnesHinted_AreLookedUpByTheirOwnFlows()
    {
        // A caller that hints one group and processes others (other flows, the other side, more frames than it
        // hinted) must lose nothing: a kept hash is taken only by the flow it was computed for.
        var rig = new EngineRig(settings: new EngineSettings { HintedTableSize = 0 });
        var ports = Enumerable.Range(40000, 2 * DirectorEngine.GroupSize).Select(p => (ushort)p).ToArray();
        foreach (var port in ports)
        {
            Assert.That(rig.Feed(rig.ClientSyn(port), Public), Is.EqualTo(FrameOutcome.Forwarded));
        }
        byte[] ClientAck(ushort port) => Frame.Tcp(ClientMac, PublicMac, Client, port, Vip, 80, ack: true);
        byte[] ServerAck(ushort port)
        {
            var slot = rig.Connections.FindByClient(6, InetAddress.Parse(Client), port, InetAddress.Parse(Vip), 80, rig.Now);
            return ServerSegment((int)(rig.Connections[slot].DestinationAddress.Ipv4Value & 0xFF), Client, port, ack: true);
        }
        var hinted = ports[..DirectorEngine.GroupSize].Select(ClientAck).ToArray();
        var others = ports[DirectorEngine.GroupSize..].Select(ClientAck).ToArray();
        var replies = ports.Select(ServerAck).ToArray();

        rig.Engine.HintGroup(hinted, hinted.Select(f => f.Length).ToArray(), hinted.Length, Public);
        var outcomes = others.Select(f => rig.Feed(f, Public)).ToList();
        rig.Engine.HintGroup(hinted, hinted.Select(f => f.Length).ToArray(), hinted.Length, Public);
        outcomes.AddRange(replies.Select(f => rig.Feed(f, Private)));
        rig.Engine.HintGroup(hinted, hinted.Select(f => f.Length).ToArray(), hinted.Length, Public);
        outcomes.AddRange(hinted.Reverse().Select(f => rig.Feed(f, Public)));

        Assert.Multiple(() =>
        {
            Assert.That(outcomes, Has.All.EqualTo(FrameOutcome.Forwarded));
            Assert.That(outcomes, Has.Count.EqualTo(others.Length + replies.Length + hinted.Length));
            Assert.That(rig.Connections.Count, Is.EqualTo(ports.Length), "no flow was taken for a new one");
        });
    }

    [Test]
    public void AGroupLargerThanGroupSize_IsRefused()
    {
        var rig = new EngineRig();
        var frames = Enumerable.Range(0, DirectorEngine.GroupSize + 1).Select(i => rig.ClientSyn((ushort)(40000 + i))).ToArray();
        var lengths = frames.Select(f => f.Length).ToArray();

        Assert.Throws<ArgumentOutOfRangeException>(() => rig.Engine.HintGroup(frames, lengths, frames.Length, Public));
    }

    [Test]
    public void Hints_ChangeNothingInTheTable_EvenFromStaleOrWildHashes()
    {
        var rig = new EngineRig();
        rig.Feed(rig.ClientSyn(), Public);
        var table = rig.Connections;
        var before = table.Snapshot(rig.Now);

        var hash = table.HintClientSide(6, InetAddress.Parse(Client), 40000, InetAddress.Parse(Vip), 80);
        table.HintEntry(hash, serverSide: false);
        table.HintServerSide(6, InetAddress.Parse("192.168.139.131"), 80, InetAddress.Parse(Client), 40000);
        foreach (var wild in new[] { 0u, uint.MaxValue, 1u << 31, 1u << 20 })
        {
            table.HintEntry(wild, serverSide: false);
            table.HintEntry(wild, serverSide: true);
        }

        Assert.Multiple(() =>
        {
            Assert.That(table.Snapshot(rig.Now), Is.EqualTo(before));
            Assert.That(table.FindByClient(6, InetAddress.Parse(Client), 40000, InetAddress.Parse(Vip), 80, rig.Now), Is.GreaterThanOrEqualTo(0));
        });
    }

    [Test]
    public void HintGroup_AllocatesNothing()
    {
        var rig = new EngineRig(settings: new EngineSettings { HintedTableSize = 0 });
        var frames = Enumerable.Range(0, DirectorEngine.GroupSize).Select(i => rig.ClientSyn((ushort)(41000 + i))).ToArray();
        var lengths = frames.Select(f => f.Length).ToArray();

        var bytes = SteadyAllocation.BytesPerPass(() =>
        {
            for (var pass = 0; pass < 1000; pass++)
            {
                rig.Engine.HintGroup(frames, lengths, frames.Length, Public);
            }
        });

        Assert.That(bytes, Is.Zero);
    }

    /// <summary>
    /// A connection's handshake and data both ways, new flows, and frames the hints must read without tripping on:
    /// truncated, a bad header length, ARP, IPv6, not IP at all, an empty frame.
    /// </summary>
    private static List<(byte[] Frame, int Interface)> MixedTraffic()
    {
        var frames = new List<(byte[], int)>();
        var rig = new EngineRig();
        for (ushort port = 40000; port < 40012; port++)
        {
            frames.Add((rig.ClientSyn(port), Public));
        }
        for (ushort port = 40000; port < 40012; port++)
        {
            frames.Add((ServerSegment(131, Client, port, syn: true, ack: true), Private));
            frames.Add((Frame.Tcp(ClientMac, PublicMac, Client, port, Vip, 80, ack: true), Public));
        }
        var syn = rig.ClientSyn(45000);
        frames.Add((syn[..20], Public));
        frames.Add((syn[..40], Public));
        var badLength = (byte[])syn.Clone();
        badLength[14] = 0x41;
        frames.Add((badLength, Public));
        frames.Add((ArpFrame.Reply(ClientMac, Client, PublicMac, "192.168.1.142"), Public));
        frames.Add((Frame.Ipv6Tcp(ClientMac, PublicMac), Public));
        frames.Add((Frame.Ipv6Tcp(ClientMac, PublicMac)[..30], Public));
        var notIp = (byte[])syn.Clone();
        notIp[12] = 0x88;
        notIp[13] = 0xB5;
        frames.Add((notIp, Public));
        frames.Add(([], Private));
        frames.Add((Frame.Udp(ClientMac, PublicMac, Client, 5353, Vip, 53, [1, 2, 3]), Public));
        return frames;
    }

    private static (List<FrameOutcome> Outcomes, List<byte[]> Bytes) Run(List<(byte[] Frame, int Interface)> frames, bool hinted)
    {
        // Hints from the first connection on, so this small table takes the hinted path.
        var rig = new EngineRig(settings: new EngineSettings { HintedTableSize = 0 });
        var outcomes = new List<FrameOutcome>();
        var bytes = new List<byte[]>();
        // Groups of frames of one interface, as the live loop reads them.
        var start = 0;
        while (start < frames.Count)
        {
            var end = start;
            while (end < frames.Count && end - start < DirectorEngine.GroupSize && frames[end].Interface == frames[start].Interface)
            {
                end++;
            }
            var group = frames.GetRange(start, end - start);
            if (hinted)
            {
                rig.Engine.HintGroup(group.Select(f => f.Frame).ToArray(), group.Select(f => f.Frame.Length).ToArray(), group.Count, group[0].Interface);
            }
            foreach (var (frame, index) in group)
            {
                outcomes.Add(rig.Feed(frame, index));
                bytes.AddRange(Enumerable.Range(0, rig.Output.Count).Select(i => rig.Sent(i)));
                rig.Now += 10;
            }
            start = end;
        }
        return (outcomes, bytes);
    }
}
