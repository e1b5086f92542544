using Forwarder.Core.Frames;
using Forwarder.Core.Masquerading;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;
using static Forwarder.Core.Tests.Masquerading.MasqueradeRig;

namespace Forwarder.Core.Tests.Masquerading;

/// <summary>The masquerade table's bounds: its maximum number of flows, and the port range per remote endpoint.</summary>
public sealed class MasqueradeCapacityTests
{
    private const long Start = 1_700_000_000_000_000;

    [Test]
    public void FullTable_NewFlowIsDroppedMasqueradeFull()
    {
        var rig = Create();
        var template = InsideTcp(131, 1024, "198.18.0.1", 443);

        for (var i = 0; i < MasqueradeTable.DefaultMaximum; i++)
        {
            var outcome = rig.Feed(ToRemote(template, i), Private);
            if (outcome != FrameOutcome.Forwarded)
            {
                Assert.Fail($"flow {i}: {outcome}");
            }
        }
        var refused = rig.Feed(ToRemote(template, MasqueradeTable.DefaultMaximum), Private);

        Assert.Multiple(() =>
        {
            Assert.That(refused, Is.EqualTo(FrameOutcome.DroppedMasqueradeFull));
            Assert.That(rig.Output.Count, Is.Zero);
            Assert.That(rig.Engine.Masquerade.Count, Is.EqualTo(MasqueradeTable.DefaultMaximum));
        });
    }

    [Test]
    public void OneRemoteEndpoint_GetsTheOwnPortThenEveryPortOfTheRangeThenNoMore()
    {
        var table = new MasqueradeTable((_, _) => false);
        var remote = Frame.Ip("203.0.113.9");
        var ports = new HashSet<ushort>();
        var rangeSize = MasqueradeTable.LastPort - MasqueradeTable.FirstPort + 1;

        for (var host = 0; host < 1 + rangeSize; host++)
        {
            var slot = table.FindOrAddOutgoing(6, 0x0A00_0000u + (uint)host, 5000, remote, 443, Start);
            Assert.That(slot, Is.GreaterThanOrEqualTo(0), $"host {host}");
            table.Touch(slot, reply: false, 0x02, Start);
            ports.Add(table[slot].PublicPort);
        }
        var refused = table.FindOrAddOutgoing(6, 0x0B00_0000u, 5000, remote, 443, Start);

        Assert.Multiple(() =>
        {
            Assert.That(ports, Has.Count.EqualTo(1 + rangeSize), "no public port given twice");
            Assert.That(ports, Does.Contain((ushort)5000));
            Assert.That(ports.Where(p => p != 5000), Is.All.InRange(MasqueradeTable.FirstPort, MasqueradeTable.LastPort));
            Assert.That(refused, Is.EqualTo(-1));
        });
    }

    [Test]
    public void SmallMaximum_RefusesTheFlowBeyondIt()
    {
        var table = new MasqueradeTable((_, _) => false, maximum: 3);
        for (var i = 0; i < 3; i++)
        {
            var slot = table.FindOrAddOutgoing(17, 0x0A00_0001u, (ushort)(5000 + i), Frame.Ip("203.0.113.9"), 53, Start);
            Assert.That(slot, Is.GreaterThanOrEqualTo(0));
            table.Touch(slot, reply: false, 0, Start);
        }

        Assert.That(table.FindOrAddOutgoing(17, 0x0A00_0001u, 5003, Frame.Ip("203.0.113.9"), 53, Start), Is.EqualTo(-1));
    }

    /// <summary>
    /// The template SYN sent to remote 198.18.0.0 + <paramref name="index"/> + 1, every flow's remote distinct. Only the IP
    /// checksum is fixed: the director does not verify TCP checksums, it carries them along incrementally.
    /// </summary>
    private static byte[] ToRemote(byte[] template, int index)
    {
        var frame = (byte[])template.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(14 + 16), Frame.Ip("198.18.0.0") + (uint)index + 1);
        FrameEdit.FixIpChecksum(frame);
        return frame;
    }
}
