using Forwarder.Core.Neighbors;
using Forwarder.Core.Tests.Engine;
using Forwarder.Core.Tests.Support;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Tests.Neighbors;

/// <summary>The neighbour table's bounds on frames waiting for ARP, per address and in all.</summary>
public sealed class NeighborTableBoundsTests
{
    [Test]
    public void Hold_BeyondTheTotalBound_RefusesAndCountsTheDrop()
    {
        var table = new NeighborTable(TopologyParser.Parse(EngineRig.TopologyText));
        var output = new OutputBatch();
        var frame = new byte[60];
        var held = 0;
        var refused = 0;

        for (var host = 0; held + refused < NeighborTable.MaximumHeldFrames + 10; host++)
        {
            var address = Frame.Ip($"192.168.139.{10 + host}");
            for (var i = 0; i < NeighborTable.MaximumHeldPerAddress; i++)
            {
                if (table.Hold(address, EngineRig.Private, frame, EngineRig.Start, output))
                {
                    held++;
                }
                else
                {
                    refused++;
                }
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(held, Is.EqualTo(NeighborTable.MaximumHeldFrames));
            Assert.That(table.UnresolvedDrops, Is.EqualTo(refused));
            Assert.That(refused, Is.GreaterThanOrEqualTo(10));
        });
    }
}
