using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Engine;

/// <summary>
/// Fragments that belong to the director's business are refused and counted (the director does not
/// reassemble): never forwarded, never opening a connection. A first fragment carries the ports; later
/// ones have only addresses to go by.
/// </summary>
public sealed class DirectorEngineFragmentTests
{
    [TestCase(true, (ushort)0)]
    [TestCase(false, (ushort)3)]
    [TestCase(true, (ushort)185)]
    public void FragmentToTheVip_IsDroppedFragmentAndOpensNoConnection(bool moreFragments, ushort offsetUnits)
    {
        var rig = new EngineRig();

        var outcome = rig.Feed(FrameEdit.AsFragment(rig.ClientSyn(), moreFragments, offsetUnits), Public);

        AssertRefused(rig, outcome);
    }

    [Test]
    public void FirstFragmentOfASynToTheServicePort_IsDroppedFragment()
    {
        var rig = new EngineRig();

        var outcome = rig.Feed(FrameEdit.AsFragment(rig.ClientSyn(), moreFragments: true, offsetUnits: 0), Public);

        AssertRefused(rig, outcome);
    }

    [Test]
    public void LaterFragmentToTheVirtualAddress_IsDroppedFragment()
    {
        var rig = new EngineRig();

        var outcome = rig.Feed(FrameEdit.AsFragment(rig.ClientSyn(), moreFragments: false, offsetUnits: 3), Public);

        AssertRefused(rig, outcome);
    }

    [Test]
    public void FragmentsOfAnEstablishedFlow_AreRefusedAndTheConnectionIsUntouched()
    {
        var rig = new EngineRig();
        rig.Feed(rig.ClientSyn(), Public);
        var data = Frame.Tcp(ClientMac, PublicMac, Client, 40000, Vip, 80, ack: true, payload: new byte[64]);

        var first = rig.Feed(FrameEdit.AsFragment(data, moreFragments: true, offsetUnits: 0), Public);
        var output = rig.Output.Count;
        var later = rig.Feed(FrameEdit.AsFragment(data, moreFragments: false, offsetUnits: 5), Public);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(FrameOutcome.DroppedFragment));
            Assert.That(later, Is.EqualTo(FrameOutcome.DroppedFragment));
            Assert.That(output + rig.Output.Count, Is.Zero);
            Assert.That(rig.Connections.Count, Is.EqualTo(1));
            Assert.That(rig.TcpServer(131).Counters.InPackets, Is.EqualTo(1), "only the SYN");
        });
    }

    [Test]
    public void FirstFragmentOfAServerReply_IsDroppedFragment()
    {
        var rig = new EngineRig();
        rig.Feed(rig.ClientSyn(), Public);
        var fragment = FrameEdit.AsFragment(ServerSegment(131, Client, 40000, syn: true, ack: true), moreFragments: true, offsetUnits: 0);

        var outcome = rig.Feed(fragment, Private);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedFragment));
            Assert.That(rig.Output.Count, Is.Zero);
            Assert.That(rig.TcpServer(131).Counters.OutPackets, Is.Zero);
        });
    }

    [Test]
    public void FragmentToAnAddressWeDoNotServe_IsNotOurs()
    {
        var rig = new EngineRig();
        var other = Frame.Tcp(ClientMac, PublicMac, Client, 40000, "192.168.1.198", 80, syn: true);

        var outcome = rig.Feed(FrameEdit.AsFragment(other, moreFragments: true, offsetUnits: 0), Public);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.NotOurs));
            Assert.That(rig.Output.Count, Is.Zero);
        });
    }

    private static void AssertRefused(EngineRig rig, FrameOutcome outcome) =>
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.DroppedFragment));
            Assert.That(rig.Output.Count, Is.Zero);
            Assert.That(rig.Connections.Count, Is.Zero);
            Assert.That(rig.Engine.Counters[FrameOutcome.DroppedFragment], Is.EqualTo(1));
        });
}
