using Forwarder.Core.Connections;
using Forwarder.Core.Services;
using static Forwarder.Core.Tests.Connections.ConnectionFactory;

namespace Forwarder.Core.Tests.Connections;

public sealed class ConnectionTableIndexTests
{
    [Test]
    public void Add_NatConnection_IsFoundByClientAndByServerSide()
    {
        var table = new ConnectionTable(new ConnectionTimeouts());
        var flow = Flow(1);

        var slot = table.Add(flow, Start);

        Assert.Multiple(() =>
        {
            Assert.That(slot, Is.GreaterThanOrEqualTo(0));
            Assert.That(table.Count, Is.EqualTo(1));
            Assert.That(table.FindClient(flow, Start), Is.EqualTo(slot));
            Assert.That(table.FindServer(flow, Start), Is.EqualTo(slot));
            Assert.That(table[slot].ClientAddress, Is.EqualTo(flow.ClientAddress));
            Assert.That(table[slot].DestinationPort, Is.EqualTo(8080));
            Assert.That(table[slot].State, Is.EqualTo(TcpState.None));
            Assert.That(table[slot].IsInUse, Is.True);
        });
    }

    [Test]
    public void ReserveAndAdmit_WithTheHashesTheLookupsGave_StoreAsAddDoes()
    {
        var table = new ConnectionTable(new ConnectionTimeouts());
        var flow = Flow(7);
        var missed = table.FindByClient(flow.Protocol, flow.ClientAddress, flow.ClientPort, flow.VirtualAddress, flow.VirtualPort, Start, out var clientHash);
        var serverHash = table.PrefetchServerSide(flow.Protocol, flow.DestinationAddress, flow.DestinationPort, flow.ClientAddress, flow.ClientPort);

        var slot = table.Reserve();
        table[slot] = flow;
        table.Admit(slot, Start, clientHash, serverHash);

        Assert.Multiple(() =>
        {
            Assert.That(missed, Is.EqualTo(-1));
            Assert.That(table.Count, Is.EqualTo(1));
            Assert.That(table.FindClient(flow, Start), Is.EqualTo(slot), "found by its client");
            Assert.That(table.FindServer(flow, Start), Is.EqualTo(slot), "found by its real server's reply");
            Assert.That(table[slot].IsInUse && table[slot].State == TcpState.None, Is.True);
        });
        table.Remove(slot);
        Assert.That(table.FindServer(flow, Start), Is.EqualTo(-1), "and removed from both indexes");
    }

    [Test]
    public void Reserve_OnAFullTableOfEstablishedFlows_IsMinusOne()
    {
        var table = new ConnectionTable(new ConnectionTimeouts(), maximum: 2);
        for (var i = 0; i < 2; i++)
        {
            var slot = table.Add(Flow(i), Start);
            table.Touch(slot, PacketDirection.Input, 0x02, Start);
            table.Touch(slot, PacketDirection.Output, 0x12, Start);
            table.Touch(slot, PacketDirection.Input, 0x10, Start);
        }

        Assert.That(table.Reserve(), Is.EqualTo(-1));
        Assert.That(table.RefusedFull, Is.EqualTo(1));
    }

    [Test]
    public void Add_DirectRouteConnection_IsFoundByClientOnly()
    {
        var table = new ConnectionTable(new ConnectionTimeouts());
        var flow = Flow(1, ForwardingMethod.DirectRoute);

        var slot = table.Add(flow, Start);

        Assert.Multiple(() =>
        {
            Assert.That(table.FindClient(flow, Start), Is.EqualTo(slot));
            Assert.That(table.FindServer(flow, Start), Is.EqualTo(-1));
        });
    }

    [Test]
    public void Find_OtherTuple_ReturnsMinusOne()
    {
        var table = new ConnectionTable(new ConnectionTimeouts());
        var flow = Flow(1);
        table.Add(flow, Start);

        Assert.Multiple(() =>
        {
            Assert.That(table.FindByClient(6, flow.ClientAddress, (ushort)(flow.ClientPort + 1), Vip, 80, Start), Is.EqualTo(-1));
            Assert.That(table.FindByClient(17, flow.ClientAddress, flow.ClientPort, Vip, 80, Start), Is.EqualTo(-1), "other protocol");
            Assert.That(table.FindByClient(6, flow.ClientAddress, flow.ClientPort, Vip, 443, Start), Is.EqualTo(-1), "other virtual port");
            Assert.That(table.FindByServer(6, flow.DestinationAddress, 80, flow.ClientAddress, flow.ClientPort, Start), Is.EqualTo(-1), "other server port");
        });
    }

    [Test]
    public void Remove_MakesTheConnectionUnfindableAndFreesItsSlotForReuse()
    {
        var table = new ConnectionTable(new ConnectionTimeouts());
        var first = Flow(1);
        var second = Flow(2);
        var slot = table.Add(first, Start);
        table.Add(second, Start);

        table.Remove(slot);
        var reused = table.Add(Flow(3), Start);

        Assert.Multiple(() =>
        {
            Assert.That(table.FindClient(first, Start), Is.EqualTo(-1));
            Assert.That(table.FindServer(first, Start), Is.EqualTo(-1));
            Assert.That(table.FindClient(second, Start), Is.Not.EqualTo(-1));
            Assert.That(reused, Is.EqualTo(slot), "the freed slot is taken before a new one");
            Assert.That(table.FindClient(Flow(3), Start), Is.EqualTo(slot));
            Assert.That(table.Count, Is.EqualTo(2));
            Assert.That(table.Slots().Count(), Is.EqualTo(2));
        });
    }

    [Test]
    public void Remove_Twice_IsHarmless()
    {
        var table = new ConnectionTable(new ConnectionTimeouts());
        var slot = table.Add(Flow(1), Start);

        table.Remove(slot);
        table.Remove(slot);

        Assert.That(table.Count, Is.Zero);
    }

    [Test]
    public void Add_5000_GrowsPastTheInitialCapacityAndKeepsAllFindable()
    {
        var table = new ConnectionTable(new ConnectionTimeouts());
        var slots = new HashSet<int>();

        for (var i = 0; i < 5000; i++)
        {
            var slot = table.Add(Flow(i), Start);
            Assert.That(slot, Is.GreaterThanOrEqualTo(0), $"flow {i}");
            slots.Add(slot);
        }

        Assert.Multiple(() =>
        {
            Assert.That(table.Count, Is.EqualTo(5000));
            Assert.That(slots, Has.Count.EqualTo(5000), "distinct slots");
            for (var i = 0; i < 5000; i++)
            {
                var flow = Flow(i);
                var slot = table.FindClient(flow, Start);
                Assert.That(slot, Is.GreaterThanOrEqualTo(0), $"flow {i} by client");
                Assert.That(table.FindServer(flow, Start), Is.EqualTo(slot), $"flow {i} by server");
                Assert.That(table[slot].ClientPort, Is.EqualTo(flow.ClientPort));
            }
        });
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void Remove_RandomHalfOfMany_KeepsTheRestFindable(int seed)
    {
        var table = new ConnectionTable(new ConnectionTimeouts(), seed: (ulong)seed);
        var random = new Random(seed);
        const int count = 6000;
        var slots = new int[count];
        for (var i = 0; i < count; i++)
        {
            slots[i] = table.Add(Flow(i, i % 4 == 0 ? ForwardingMethod.DirectRoute : ForwardingMethod.Masquerade), Start);
        }
        var removed = Enumerable.Range(0, count).OrderBy(_ => random.Next()).Take(count / 2).ToHashSet();

        foreach (var i in removed)
        {
            table.Remove(slots[i]);
        }

        Assert.That(table.Count, Is.EqualTo(count - removed.Count));
        for (var i = 0; i < count; i++)
        {
            var flow = Flow(i, i % 4 == 0 ? ForwardingMethod.DirectRoute : ForwardingMethod.Masquerade);
            var expected = removed.Contains(i) ? -1 : slots[i];
            Assert.That(table.FindClient(flow, Start), Is.EqualTo(expected), $"flow {i} by client");
            if (i % 4 != 0)
            {
                Assert.That(table.FindServer(flow, Start), Is.EqualTo(expected), $"flow {i} by server");
            }
        }
    }

    // The index cells' tags are the bits the maximum leaves above slot + 1: 11 by default, 20 for 4,096, 1 for 2^30.
    [TestCase(ConnectionTable.DefaultMaximum)]
    [TestCase(4096)]
    [TestCase(1 << 30)]
    public void AddAndRemove_ChurnOverManyRounds_KeepsIndexesConsistent(int maximum)
    {
        var table = new ConnectionTable(new ConnectionTimeouts(), maximum);
        var random = new Random(77);
        var live = new Dictionary<int, int>();
        for (var round = 0; round < 30_000; round++)
        {
            var id = random.Next(0, 3000);
            if (live.TryGetValue(id, out var slot))
            {
                table.Remove(slot);
                live.Remove(id);
            }
            else
            {
                live[id] = table.Add(Flow(id), Start);
            }
        }

        Assert.That(table.Count, Is.EqualTo(live.Count));
        for (var id = 0; id < 3000; id++)
        {
            var expected = live.TryGetValue(id, out var slot) ? slot : -1;
            Assert.That(table.FindClient(Flow(id), Start), Is.EqualTo(expected), $"flow {id}");
            Assert.That(table.FindServer(Flow(id), Start), Is.EqualTo(expected), $"flow {id} server side");
        }
    }

    [Test]
    public void Add_BeyondMaximumOfUdpFlows_ReturnsMinusOneUntilASlotIsFreed()
    {
        // UDP flows are worth keeping: nothing may be evicted for the new one, so the table refuses it.
        var table = new ConnectionTable(new ConnectionTimeouts(), maximum: 2000);
        for (var i = 0; i < 2000; i++)
        {
            Assert.That(table.Add(Flow(i, protocol: 17), Start), Is.GreaterThanOrEqualTo(0), $"flow {i}");
        }

        var refused = table.Add(Flow(2000, protocol: 17), Start);
        table.Remove(table.FindClient(Flow(7, protocol: 17), Start));
        var afterFree = table.Add(Flow(2001, protocol: 17), Start);

        Assert.Multiple(() =>
        {
            Assert.That(refused, Is.EqualTo(-1));
            Assert.That(table.FindClient(Flow(2000, protocol: 17), Start), Is.EqualTo(-1));
            Assert.That(afterFree, Is.GreaterThanOrEqualTo(0));
            Assert.That(table.FindClient(Flow(2001, protocol: 17), Start), Is.EqualTo(afterFree));
            Assert.That(table.Count, Is.EqualTo(2000));
            Assert.That(table.RefusedFull, Is.EqualTo(1));
            Assert.That(table.EvictedEmbryonic, Is.Zero);
        });
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(100)]
    public void Add_BeyondASmallMaximumOfUdpFlows_ReturnsMinusOne(int maximum)
    {
        var table = new ConnectionTable(new ConnectionTimeouts(), maximum);
        for (var i = 0; i < maximum; i++)
        {
            Assert.That(table.Add(Flow(i, protocol: 17), Start), Is.GreaterThanOrEqualTo(0));
        }

        Assert.Multiple(() =>
        {
            Assert.That(table.Add(Flow(maximum, protocol: 17), Start), Is.EqualTo(-1));
            Assert.That(table.Count, Is.EqualTo(maximum));
            Assert.That(table.RefusedFull, Is.EqualTo(1));
        });
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(100)]
    public void Add_BeyondASmallMaximumOfEstablishedTcp_ReturnsMinusOne(int maximum)
    {
        var table = new ConnectionTable(new ConnectionTimeouts(), maximum);
        for (var i = 0; i < maximum; i++)
        {
            var slot = table.Add(Flow(i), Start);
            Assert.That(slot, Is.GreaterThanOrEqualTo(0));
            Establish(table, slot);
        }

        Assert.Multiple(() =>
        {
            Assert.That(table.Add(Flow(maximum), Start), Is.EqualTo(-1));
            Assert.That(table.Count, Is.EqualTo(maximum));
            Assert.That(table.RefusedFull, Is.EqualTo(1));
            Assert.That(table.EvictedEmbryonic, Is.Zero);
            Assert.That(table.FindClient(Flow(0), Start), Is.GreaterThanOrEqualTo(0), "no established flow is pushed out");
        });
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(100)]
    public void Add_BeyondASmallMaximumOfHalfOpenTcp_EvictsOneAndAdmitsTheNewFlow(int maximum)
    {
        var table = new ConnectionTable(new ConnectionTimeouts(), maximum);
        for (var i = 0; i < maximum; i++)
        {
            Assert.That(table.Add(Flow(i), Start), Is.GreaterThanOrEqualTo(0));
        }

        var slot = table.Add(Flow(maximum), Start);

        Assert.Multiple(() =>
        {
            Assert.That(slot, Is.GreaterThanOrEqualTo(0));
            Assert.That(table.FindClient(Flow(maximum), Start), Is.EqualTo(slot));
            Assert.That(table.Count, Is.EqualTo(maximum));
            Assert.That(table.EvictedEmbryonic, Is.EqualTo(1));
            Assert.That(table.RefusedFull, Is.Zero);
            Assert.That(Enumerable.Range(0, maximum).Count(i => table.FindClient(Flow(i), Start) >= 0), Is.EqualTo(maximum - 1));
        });
    }

    /// <summary>Client SYN then client ACK: NONE → SYN_RECV → ESTABLISHED by IPVS's INPUT table.</summary>
    private static void Establish(ConnectionTable table, int slot)
    {
        table.Touch(slot, PacketDirection.Input, 0x02, Start);
        table.Touch(slot, PacketDirection.Input, 0x10, Start);
        Assert.That(table[slot].State, Is.EqualTo(TcpState.Established));
    }

    [Test]
    public void Constructor_MaximumBelowOne_Throws()
    {
        Assert.That(() => new ConnectionTable(new ConnectionTimeouts(), maximum: 0), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
