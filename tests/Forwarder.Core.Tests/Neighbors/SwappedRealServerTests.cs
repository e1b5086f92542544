using System.Buffers.Binary;
using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Engine;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Neighbors;

/// <summary>
/// A real server replaced by another machine with the same address (a new MAC) while a NAT connection to it is
/// established: the director finds the new one by the kernel's ageing alone — the entry goes stale, is used,
/// re-probed by unicast to the old MAC, fails, and the next frame's fresh broadcast resolution is answered by the
/// new machine — without the new machine sending a frame first; a gratuitous ARP from it cuts that short.
/// </summary>
public sealed class SwappedRealServerTests
{
    private const string Server = "192.168.139.140";
    private const long Second = 1_000_000;
    private static readonly MacAddress OldMac = Frame.Mac("00:0c:29:00:01:40");
    private static readonly MacAddress NewMac = Frame.Mac("00:0c:29:00:02:40");

    [Test]
    public void SwappedServer_IsReachedAgainAfterTheReprobe_WithoutSendingFirst()
    {
        var rig = Established(out var staleAt);
        var sent = new List<(int Interface, byte[] Frame)>();

        rig.Now = staleAt;
        var toStale = rig.Feed(ClientAck(1), Public);
        sent.AddRange(Outputs(rig));
        // DELAY for 5 s, then PROBE: three unicast requests to the old MAC, one a second; nobody answers.
        for (var second = 1; second <= 8; second++)
        {
            rig.Output.Clear();
            rig.Engine.AdvanceClock(staleAt + (second * Second), rig.Output);
            sent.AddRange(Outputs(rig));
        }
        var afterProbe = rig.Engine.Neighbors.StateOf(Frame.Ip(Server), out _);
        rig.Now = staleAt + (8 * Second) + 1;
        var held = rig.Feed(ClientAck(2), Public);
        var resolution = Outputs(rig);
        rig.Feed(ArpFrame.Reply(NewMac, Server, PrivateMac, "192.168.139.1"), Private);
        var released = Outputs(rig);
        var after = rig.Feed(ClientAck(3), Public);

        Assert.Multiple(() =>
        {
            Assert.That(toStale, Is.EqualTo(FrameOutcome.Forwarded), "a stale entry is still used");
            Assert.That(sent.Count(f => IsIp(f.Frame)), Is.EqualTo(1));
            Assert.That(Destination(sent[0].Frame), Is.EqualTo(OldMac), "to the kept (old) MAC");
            var probes = sent.Where(f => !IsIp(f.Frame)).ToList();
            Assert.That(probes, Has.Count.EqualTo(3));
            Assert.That(probes.Select(p => Destination(p.Frame)), Has.All.EqualTo(OldMac), "unicast re-probes of the kept MAC");
            Assert.That(probes.Select(p => ArpFrame.Parse(p.Frame).TargetProtocolAddress.ToString()), Has.All.EqualTo(Server));
            Assert.That(afterProbe, Is.EqualTo(NeighborState.Failed));
            Assert.That(held, Is.EqualTo(FrameOutcome.Queued), "held as a new resolution holds frames");
            Assert.That(resolution, Has.Count.EqualTo(1));
            Assert.That(Destination(resolution[0].Frame), Is.EqualTo(MacAddress.Broadcast), "a fresh resolution asks by broadcast");
            Assert.That(released, Has.Count.EqualTo(1), "the held segment, released");
            Assert.That(Destination(released[0].Frame), Is.EqualTo(NewMac));
            Assert.That(MarkerOf(released[0].Frame), Is.EqualTo(2));
            Assert.That(after, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(Destination(rig.Sent()), Is.EqualTo(NewMac), "the connection follows the entry's new MAC");
        });
    }

    [Test]
    public void GratuitousArpFromTheNewMachine_MovesTheConnectionToItAtOnce()
    {
        var rig = Established(out _);
        rig.Now += Second / 10;

        var announced = rig.Feed(GratuitousRequest(NewMac, Server), Private);
        var next = rig.Feed(ClientAck(1), Public);

        Assert.Multiple(() =>
        {
            Assert.That(announced, Is.EqualTo(FrameOutcome.NotOurs));
            Assert.That(next, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(Destination(rig.Sent()), Is.EqualTo(NewMac));
        });
    }

    [Test]
    public void FailedReprobe_HoldsFramesAsANewResolution_AndDropsThemWhenNoOneAnswers()
    {
        var rig = Established(out var staleAt);
        rig.Now = staleAt;
        rig.Feed(ClientAck(1), Public);
        for (var second = 1; second <= 8; second++)
        {
            rig.Engine.AdvanceClock(staleAt + (second * Second), rig.Output);
        }
        rig.Now = staleAt + (9 * Second);
        var outcomes = new[] { rig.Feed(ClientAck(2), Public), rig.Feed(ClientAck(3), Public) };
        var dropsBefore = rig.Engine.Neighbors.UnresolvedDrops;
        for (var second = 10; second <= 12; second++)
        {
            rig.Engine.AdvanceClock(staleAt + (second * Second), rig.Output);
        }

        Assert.Multiple(() =>
        {
            Assert.That(outcomes, Has.All.EqualTo(FrameOutcome.Queued));
            Assert.That(dropsBefore, Is.Zero);
            Assert.That(rig.Engine.Neighbors.UnresolvedDrops, Is.EqualTo(2), "three broadcast requests unanswered: what waited is dropped");
            Assert.That(rig.Engine.Neighbors.StateOf(Frame.Ip(Server), out _), Is.EqualTo(NeighborState.Failed));
        });
    }

    /// <summary>
    /// A NAT connection from the client to 192.168.139.140 (the service's only usable server), resolved by ARP at the
    /// rig's start and established; <paramref name="staleAt"/> is a moment when its entry has gone stale.
    /// </summary>
    private static EngineRig Established(out long staleAt)
    {
        var rig = new EngineRig();
        rig.Services.AddDestination(TcpKey, new DestinationSpec(Ipv4Address.Parse(Server), 80, ForwardingMethod.Masquerade));
        foreach (var octet in new[] { 129, 130, 131 })
        {
            rig.TcpServer(octet).Weight = 0;
        }
        Assert.That(rig.Feed(rig.ClientSyn(), Public), Is.EqualTo(FrameOutcome.Queued));
        rig.Feed(ArpFrame.Reply(OldMac, Server, PrivateMac, "192.168.139.1"), Private);
        rig.Feed(Frame.Tcp(OldMac, PrivateMac, Server, 80, Client, 40000, syn: true, ack: true), Private);
        Assert.That(rig.Feed(ClientAck(0), Public), Is.EqualTo(FrameOutcome.Forwarded));
        Assert.That(rig.Engine.Neighbors.StateOf(Frame.Ip(Server), out _), Is.EqualTo(NeighborState.Reachable));
        staleAt = rig.Now + rig.Engine.Neighbors.ReachableTime + Second;
        return rig;
    }

    /// <summary>A client segment carrying one byte, <paramref name="marker"/>, to tell the segments apart.</summary>
    private static byte[] ClientAck(byte marker) => Frame.Tcp(ClientMac, PublicMac, Client, 40000, Vip, 80, ack: true, payload: [marker]);

    /// <summary>A gratuitous ARP request: the sender asks for its own address, broadcast.</summary>
    private static byte[] GratuitousRequest(MacAddress mac, string address) => Frame.ArpRequest(mac, address, address);

    private static List<(int Interface, byte[] Frame)> Outputs(EngineRig rig) =>
        Enumerable.Range(0, rig.Output.Count).Select(i => (rig.Output.InterfaceAt(i), rig.Sent(i))).ToList();

    private static bool IsIp(byte[] frame) => BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(FrameLayout.EtherTypeOffset)) == FrameLayout.EtherTypeIpv4;

    private static MacAddress Destination(byte[] frame) => MacAddress.Read(frame);

    private static byte MarkerOf(byte[] frame) =>
        frame[FrameLayout.EthernetHeaderLength + BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(FrameLayout.EthernetHeaderLength + 2)) - 1];
}
