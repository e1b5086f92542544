using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Sync;
using Forwarder.Core.Tests.Engine;
using Forwarder.Core.Tests.Support;

namespace Forwarder.Core.Tests.Sync;

/// <summary>
/// The real kernel's IPv6 sync message (<see cref="KernelIpv6SyncBytes"/>): read field by field as the kernel laid it
/// out, written again byte for byte by this director's master given the same service and datagrams, and taken by a backup.
/// </summary>
public sealed class KernelIpv6SyncConformanceTests
{
    private const string Vip = "2001:db8::10";
    private static readonly ServiceKey Key = new(IpProtocol.Udp, InetAddress.Parse(Vip), 53);
    private static readonly InetAddress Server = InetAddress.Parse("2001:db8:139::11");

    private sealed class Capture : ISyncMessageSink
    {
        public List<byte[]> Messages { get; } = [];

        public bool Send(ReadOnlySpan<byte> message)
        {
            Messages.Add(message.ToArray());
            return true;
        }
    }

    /// <summary>The oracle's service: UDP [2001:db8::10]:53 rr, persistent 300 s, over [2001:db8:139::11]:53 masqueraded.</summary>
    private static Ipv6EngineRig Director()
    {
        var rig = new Ipv6EngineRig(extraTopology: "neighbor 2001:db8:139::11 00:0c:29:00:00:11 eth1");
        rig.Services.AddService(new ServiceSpec(Key, "rr", 300));
        rig.Services.AddDestination(Key, new DestinationSpec(Server, 53, ForwardingMethod.Masquerade));
        return rig;
    }

    private static byte[] Datagram() => Ipv6Frame.Udp(EngineRig.ClientMac, EngineRig.PublicMac, Ipv6EngineRig.Client, 40000, Vip, 53, payload: 1);

    [Test]
    public void KernelsMessage_IsReadAsItsIpv6Layout()
    {
        var reader = new SyncMessageReader(KernelIpv6SyncBytes.ThreeDatagrams, 9);
        var entries = new List<SyncEntry>();
        while (reader.TryNext(out var entry, out var skip))
        {
            Assert.That(skip, Is.EqualTo(SyncEntryProblem.None));
            entries.Add(entry);
        }

        var header = (reader.Problem, reader.IsVersion0, reader.SyncId, reader.DeclaredCount);
        var client = InetAddress.Parse(Ipv6EngineRig.Client).ToUInt128();
        var template = (true, (byte)17, KernelConnectionFlags.Template | KernelConnectionFlags.Inactive | KernelConnectionFlags.Synced, (ushort)0, (ushort)0, (ushort)53, 300u, client, Server.ToUInt128());
        var connection = template with { Item3 = KernelConnectionFlags.Inactive | KernelConnectionFlags.Synced, Item5 = 40000 };
        Assert.Multiple(() =>
        {
            Assert.That(header, Is.EqualTo((SyncMessageProblem.None, false, (byte)9, 4)));
            Assert.That(KernelIpv6SyncBytes.ThreeDatagrams, Has.Length.EqualTo(8 + (4 * SyncProtocol.Ipv6EntryLength)));
            Assert.That(entries.Select(e => (e.IsIpv6, e.Protocol, e.Flags, e.State, e.ClientPort, e.VirtualPort, e.TimeoutSeconds, e.ClientAddress, e.DestinationAddress)),
                Is.EqualTo(new[] { template, template, connection, template }));
            Assert.That(entries.Select(e => e.VirtualAddress), Is.All.EqualTo(InetAddress.Parse(Vip).ToUInt128()));
        });
    }

    [Test]
    public void OurMaster_GivenTheSameDatagrams_SendsTheKernelsBytes()
    {
        var rig = Director();
        var sent = new Capture();
        var sync = new SyncMaster(rig.Connections, syncId: 9, maximumLength: 1452, sent);
        rig.Engine.SyncMaster = sync;

        for (var i = 0; i < 3; i++)
        {
            Assert.That(rig.Feed(Datagram(), Ipv6EngineRig.Public), Is.EqualTo(FrameOutcome.Forwarded));
            rig.Now += 100_000;
        }
        sync.Flush(rig.Now + SyncMaster.FlushAfterMicroseconds);

        Assert.That(Convert.ToHexString(sent.Messages.Single()).ToLowerInvariant(), Is.EqualTo(KernelIpv6SyncBytes.ThreeDatagramsHex));
    }

    [Test]
    public void KernelsMessage_GivesTheBackupTheConnectionAndItsTemplate_AndTheFlowGoesOn()
    {
        var backup = Director();
        var applier = new SyncBackup(backup.Connections, backup.Services, backup.Engine.Neighbors, syncId: 9);

        applier.Apply(KernelIpv6SyncBytes.ThreeDatagrams, backup.Now);

        var synced = backup.Connections.Slots().Select(s => backup.Connections[s]).ToList();
        Assert.Multiple(() =>
        {
            Assert.That((applier.Counters.EntriesCreated, applier.Counters.EntriesUpdated), Is.EqualTo((2L, 2L)));
            Assert.That(synced.Select(c => (c.IsTemplate, c.ClientPort, c.DestinationAddress, c.Destination?.Address)),
                Is.EquivalentTo(new[] { (true, (ushort)0, Server, (InetAddress?)Server), (false, (ushort)40000, Server, Server) }));
            Assert.That(backup.Feed(Datagram(), Ipv6EngineRig.Public), Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(Ipv6Frame.DestinationOf(backup.Sent()), Is.EqualTo(Server));
            Assert.That(backup.Connections.Count, Is.EqualTo(2), "the synced connection carried it; nothing new was scheduled");
        });
    }
}
