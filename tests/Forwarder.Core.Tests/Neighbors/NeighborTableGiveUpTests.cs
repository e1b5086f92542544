using Forwarder.Core.Neighbors;
using Forwarder.Core.Tests.Engine;
using Forwarder.Core.Tests.Support;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Tests.Neighbors;

/// <summary>An unanswered ARP gives up three seconds after its first request, however the clock moves.</summary>
public sealed class NeighborTableGiveUpTests
{
    [Test]
    public void ClockJumpingPastThreeSeconds_DropsTheHeldFramesWithoutAskingAgain()
    {
        var table = new NeighborTable(TopologyParser.Parse(EngineRig.TopologyText));
        var output = new OutputBatch();
        var address = Frame.Ip("192.168.139.77");
        Assert.That(table.Hold(address, EngineRig.Private, new byte[60], EngineRig.Start, output), Is.True);
        Assert.That(table.RequestsSent, Is.EqualTo(1));
        output.Clear();

        table.Tick(EngineRig.Start + 5_000_000, output);

        Assert.Multiple(() =>
        {
            Assert.That(output.Count, Is.Zero, "no second request after the deadline");
            Assert.That(table.RequestsSent, Is.EqualTo(1));
            Assert.That(table.UnresolvedDrops, Is.EqualTo(1));
        });
    }

    [Test]
    public void JustBeforeThreeSeconds_TheThirdRequestGoesOut()
    {
        var table = new NeighborTable(TopologyParser.Parse(EngineRig.TopologyText));
        var output = new OutputBatch();
        var address = Frame.Ip("192.168.139.77");
        table.Hold(address, EngineRig.Private, new byte[60], EngineRig.Start, output);
        table.Tick(EngineRig.Start + 1_000_000, output);
        table.Tick(EngineRig.Start + 2_999_999, output);

        Assert.Multiple(() =>
        {
            Assert.That(table.RequestsSent, Is.EqualTo(3));
            Assert.That(table.UnresolvedDrops, Is.Zero);
        });
        table.Tick(EngineRig.Start + 3_000_000, output);
        Assert.That(table.UnresolvedDrops, Is.EqualTo(1));
    }
}
