using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Engine;
using Forwarder.Core.Tests.Forwarding;
using Forwarder.Core.Tests.Support;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Tests.Transmit;

/// <summary>The bottom of every method: a frame is built in the batch only when it can go now, and addressed exactly there.</summary>
public sealed class EthernetTransmitterTests
{
    private static readonly MacAddress[] InterfaceMacs = [EngineRig.PublicMac, EngineRig.PrivateMac];

    [Test]
    public void KnownMac_TheFrameIsBuiltInTheBatchAndAddressedOnSend()
    {
        var resolver = new StubResolver();
        var link = new EthernetTransmitter(InterfaceMacs, resolver);
        var output = new OutputBatch();
        var context = new FrameContext(EngineRig.Start, output);
        var hop = link.Resolve(EngineRig.Private, Frame.Ip("192.168.139.131"), EngineRig.ServerMac(131));

        var frame = link.Reserve(context, hop, 60);
        var outcome = link.Send(context, hop, frame);

        var sent = output.FrameAt(0).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(output.Count, Is.EqualTo(1));
            Assert.That(output.InterfaceAt(0), Is.EqualTo(EngineRig.Private));
            Assert.That(sent[..6], Is.EqualTo(DirectRouteTransmitTests.Bytes(EngineRig.ServerMac(131))));
            Assert.That(sent[6..12], Is.EqualTo(DirectRouteTransmitTests.Bytes(EngineRig.PrivateMac)));
            Assert.That(sent[12..14], Is.EqualTo(new byte[] { 0x08, 0x00 }));
            Assert.That(resolver.Lookups, Is.Zero, "a MAC in hand is not looked up");
        });
    }

    [Test]
    public void UnknownMac_TheFrameNeverEntersTheBatch_AndGoesToTheResolverUnaddressed()
    {
        var resolver = new StubResolver();
        var link = new EthernetTransmitter(InterfaceMacs, resolver);
        var output = new OutputBatch();
        var context = new FrameContext(EngineRig.Start, output);
        var hop = link.Resolve(EngineRig.Private, Frame.Ip("192.168.139.140"), MacAddress.Zero);

        var frame = link.Reserve(context, hop, 60);
        frame[14..].Fill(0xAB);
        var outcome = link.Send(context, hop, frame);

        Assert.Multiple(() =>
        {
            Assert.That(hop.IsResolved, Is.False);
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Queued));
            Assert.That(output.Count, Is.Zero, "nothing to take back from the batch");
            Assert.That(resolver.Held.Single().NextHop, Is.EqualTo(Frame.Ip("192.168.139.140")));
            Assert.That(resolver.Held.Single().Frame[..14], Is.All.Zero, "the Ethernet header is left for when ARP answers");
            Assert.That(resolver.Held.Single().Frame[14..], Is.All.EqualTo(0xAB));
        });
    }

    [Test]
    public void UnknownMac_RefusedByTheResolver_IsDroppedNoNeighbor()
    {
        var link = new EthernetTransmitter(InterfaceMacs, new StubResolver { Refuse = true });
        var output = new OutputBatch();
        var context = new FrameContext(EngineRig.Start, output);
        var hop = link.Resolve(EngineRig.Private, Frame.Ip("192.168.139.140"), MacAddress.Zero);

        Assert.That(link.Send(context, hop, link.Reserve(context, hop, 60)), Is.EqualTo(FrameOutcome.DroppedNoNeighbor));
    }

    private sealed class StubResolver : INextHopResolver
    {
        public bool Refuse { get; init; }

        public int Lookups { get; private set; }

        public List<(uint NextHop, byte[] Frame)> Held { get; } = [];

        public bool TryGetMac(InetAddress address, out MacAddress mac)
        {
            Lookups++;
            mac = MacAddress.Zero;
            return false;
        }

        public bool Hold(InetAddress nextHop, int interfaceIndex, ReadOnlySpan<byte> frame, long now, OutputBatch output)
        {
            Held.Add((nextHop.Ipv4Value, frame.ToArray()));
            return !Refuse;
        }
    }
}
