using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Sync;
using Forwarder.Core.Tests.Engine;
using Forwarder.Core.Tests.Support;

namespace Forwarder.Core.Tests.Sync;

/// <summary>
/// Sync of IPv6 connections, as the kernel's version 1 protocol carries them (<c>struct ip_vs_sync_v6</c>, the type
/// byte's STYPE_F_INET6): a master's IPv6 NAT flow and persistence template go out as 72-byte entries, laid out byte
/// for byte as the kernel's, and a backup takes them and forwards the flow on to the real server the master chose.
/// </summary>
public sealed class Ipv6SyncTests
{
    private const long Second = 1_000_000;
    private const byte Syn = FrameLayout.TcpSyn;
    private const byte Ack = FrameLayout.TcpAck;
    private static readonly ServiceKey PersistentKey = new(IpProtocol.Tcp, InetAddress.Parse(Ipv6EngineRig.Vip), 443);

    private sealed class Capture : ISyncMessageSink
    {
        public List<byte[]> Messages { get; } = [];

        public bool Send(ReadOnlySpan<byte> message)
        {
            Messages.Add(message.ToArray());
            return true;
        }
    }

    /// <summary>The IPv6 director, with a persistent (600 s, /128) TCP service [2001:db8::113]:443 over ::129-::131.</summary>
    private static Ipv6EngineRig Director()
    {
        var rig = new Ipv6EngineRig();
        rig.Services.AddService(new ServiceSpec(PersistentKey, "rr", 600));
        foreach (var host in new[] { 129, 130, 131 })
        {
            rig.Services.AddDestination(PersistentKey, new DestinationSpec(Ipv6EngineRig.Server(host), 443, ForwardingMethod.Masquerade));
        }
        return rig;
    }

    private static byte[] Segment(ushort port, ushort virtualPort, byte flags) =>
        Ipv6Frame.Tcp(EngineRig.ClientMac, EngineRig.PublicMac, Ipv6EngineRig.Client, port, Ipv6EngineRig.Vip, virtualPort, flags);

    /// <summary>SYN and two ACKs: the third client packet is the one the default threshold syncs. Returns the real server.</summary>
    private static InetAddress Open(Ipv6EngineRig rig, ushort port, ushort virtualPort = 80)
    {
        Assert.That(rig.Feed(Segment(port, virtualPort, Syn), Ipv6EngineRig.Public), Is.EqualTo(FrameOutcome.Forwarded));
        var server = Ipv6Frame.DestinationOf(rig.Sent());
        rig.Feed(Segment(port, virtualPort, Ack), Ipv6EngineRig.Public);
        rig.Feed(Segment(port, virtualPort, Ack), Ipv6EngineRig.Public);
        return server;
    }

    private static (Ipv6EngineRig Rig, SyncMaster Sync, Capture Sent) Master()
    {
        var rig = Director();
        var sent = new Capture();
        var sync = new SyncMaster(rig.Connections, syncId: 3, maximumLength: 1452, sent);
        rig.Engine.SyncMaster = sync;
        return (rig, sync, sent);
    }

    private static Connection Find(ConnectionTable table, ushort clientPort, bool template = false) =>
        table.Slots().Select(s => table[s]).Single(c => c.IsTemplate == template && c.ClientPort == (template ? 0 : clientPort));

    private static byte[] Hex(string text) => Convert.FromHexString(text.Replace(" ", string.Empty, StringComparison.Ordinal));

    [Test]
    public void MastersIpv6NatFlow_IsSent_AsTheKernelsIpv6Entry()
    {
        var (rig, sync, sent) = Master();
        Open(rig, 40000);
        sync.Flush(rig.Now + (2 * Second));

        // Hand-laid as ip_vs_sync_conn fills a v1 message for an IPv6 connection.
        var expected = Hex(
            // Header: reserved 0, syncid 3, size 8 + 72 = 80, one entry, version 1, spare 0.
            "00 03 0050 01 01 0000" +
            // type STYPE_F_INET6, TCP, ver_size 72; flags 0 (masquerading, active).
            "01 06 0048 00000000" +
            // ESTABLISHED (1), cport 40000, vport 80, dport 80, fwmark 0, timeout 900 s (ESTABLISHED's).
            "0001 9c40 0050 0050 00000000 00000384" +
            // caddr 2001:db8::50, vaddr 2001:db8::113, daddr 2001:db8:139::131 (rr's first choice).
            "20010db8000000000000000000000050" +
            "20010db8000000000000000000000113" +
            "20010db8013900000000000000000131");
        Assert.That(sent.Messages.Single(), Is.EqualTo(expected));
    }

    [Test]
    public void MastersIpv6Template_IsSent_AsTheKernelsIpv6TemplateEntry()
    {
        var (rig, sync, sent) = Master();
        var server = Open(rig, 40000, virtualPort: 443);
        sync.Flush(rig.Now + (2 * Second));

        // Hand-laid as ip_vs_sync_conn fills an IPv6 template's entry; it goes with each synced packet of its connection,
        // and by the third it is assured.
        var assuredTemplate = Hex(
            // type STYPE_F_INET6, TCP, ver_size 72; flags TEMPLATE | INACTIVE, masquerading (the server's method).
            "01 06 0048 00001100" +
            // ASSURED (1), cport 0, vport 443, dport 443, fwmark 0, timeout 600 s (the persistence timeout).
            "0001 0000 01bb 01bb 00000000 00000258" +
            "20010db8000000000000000000000050" +
            "20010db8000000000000000000000113" +
            "20010db8013900000000000000000131");
        Assert.That(server, Is.EqualTo(Ipv6EngineRig.Server(131)));
        Assert.That(sent.Messages.Count(m => m.AsSpan().IndexOf(assuredTemplate) >= 0), Is.EqualTo(1));
        Assert.That(sent.Messages.All(m => m.Length % 4 == 0 && (m.Length - 8) % 72 == 0), Is.True, "72-byte entries, no padding needed");
    }

    [Test]
    public void Ipv6EntryWithSequence_IsNinetyEightBytes_AndTheNextStartsOnAFourByteBoundary()
    {
        var entry = new SyncEntry
        {
            IsIpv6 = true,
            Protocol = 6,
            State = 1,
            ClientPort = 1025,
            VirtualPort = 21,
            DestinationPort = 21,
            TimeoutSeconds = 900,
            ClientAddress = 1,
            VirtualAddress = 2,
            DestinationAddress = 3,
            Flags = KernelConnectionFlags.InSequence,
            HasSequence = true,
            InSequence = new SyncSequence(0x01020304, 5, 6),
            OutSequence = new SyncSequence(7, 8, 9),
        };
        var builder = new SyncMessageBuilder(0, 1452);
        Assert.That(builder.TryAdd(entry, 0), Is.True);
        Assert.That(builder.TryAdd(entry with { HasSequence = false, Flags = 0 }, 0), Is.True);

        var expected = Hex(
            // size 8 + 98 + 2 (padding) + 72 = 180, two entries.
            "00 00 00b4 02 01 0000" +
            // ver_size 72 + 2 + 24 = 98; flags IN_SEQ.
            "01 06 0062 00000400" +
            "0001 0401 0015 0015 00000000 00000384" +
            "00000000000000000000000000000001" +
            "00000000000000000000000000000002" +
            "00000000000000000000000000000003" +
            // IPVS_OPT_SEQ_DATA, 24 bytes: in (init_seq, delta, previous_delta), then out.
            "01 18 01020304 00000005 00000006 00000007 00000008 00000009" +
            "0000" +
            "01 06 0048 00000000" +
            "0001 0401 0015 0015 00000000 00000384" +
            "00000000000000000000000000000001" +
            "00000000000000000000000000000002" +
            "00000000000000000000000000000003");
        Assert.That(builder.Message.ToArray(), Is.EqualTo(expected));

        var reader = new SyncMessageReader(expected, 0);
        Assert.That(reader.TryNext(out var first, out var skip), Is.True);
        Assert.That(reader.TryNext(out var second, out _), Is.True);
        Assert.That((first.IsIpv6, first.HasSequence, first.InSequence, first.OutSequence, skip, second.IsIpv6, second.DestinationAddress),
            Is.EqualTo((true, true, entry.InSequence, entry.OutSequence, SyncEntryProblem.None, true, (UInt128)3)));
    }

    [Test]
    public void SyncedIpv6Flow_ContinuesOnTheBackup_ToTheSameRealServer()
    {
        var (master, sync, sent) = Master();
        // Two other flows first, so the flow under test is not the backup's own first rr choice.
        Open(master, 41000);
        Open(master, 41001);
        var server = Open(master, 42000);
        sync.Flush(master.Now + (2 * Second));

        var backup = Director();
        var applier = new SyncBackup(backup.Connections, backup.Services, backup.Engine.Neighbors, syncId: 3);
        applier.Apply(sent.Messages.Single(), backup.Now);

        var synced = Find(backup.Connections, 42000);
        Assert.That((synced.State, synced.ClientAddress, synced.VirtualAddress, synced.DestinationAddress, synced.Destination?.Address, (synced.Flags & ConnectionFlags.Synced) != 0),
            Is.EqualTo((TcpState.Established, InetAddress.Parse(Ipv6EngineRig.Client), InetAddress.Parse(Ipv6EngineRig.Vip), server, server, true)));
        Assert.That((applier.Counters.EntriesCreated, applier.Counters.NonZero().Count(c => c.Name.StartsWith("sync-entry-not-taken", StringComparison.Ordinal))), Is.EqualTo((3L, 0)));

        // Failover: the flow's next segment reaches the backup, which rewrites it to the same real server.
        Assert.That(backup.Feed(Segment(42000, 80, Ack), Ipv6EngineRig.Public), Is.EqualTo(FrameOutcome.Forwarded));
        Assert.That(Ipv6Frame.DestinationOf(backup.Sent()), Is.EqualTo(server));
        Assert.That(Ipv6Frame.ChecksumHolds(backup.Sent()), Is.True);
        // And the real server's reply goes back as the virtual service.
        var host = int.Parse(server.ToString().Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(backup.Feed(Ipv6EngineRig.ServerSegment(host, Ack, 42000), Ipv6EngineRig.Private), Is.EqualTo(FrameOutcome.Forwarded));
        Assert.That(Ipv6Frame.SourceOf(backup.Sent()), Is.EqualTo(InetAddress.Parse(Ipv6EngineRig.Vip)));
    }

    [Test]
    public void PersistentIpv6Client_KeepsItsRealServer_OnTheBackup()
    {
        var (master, sync, sent) = Master();
        Open(master, 41000, virtualPort: 443);
        var pinned = Open(master, 42000, virtualPort: 443);
        sync.Flush(master.Now + (2 * Second));

        var backup = Director();
        var applier = new SyncBackup(backup.Connections, backup.Services, backup.Engine.Neighbors, syncId: 3);
        foreach (var message in sent.Messages)
        {
            applier.Apply(message, backup.Now);
        }
        var template = Find(backup.Connections, 0, template: true);
        Assert.That((template.ClientAddress, template.DestinationAddress, template.State, template.ExpiresAt - backup.Now),
            Is.EqualTo((InetAddress.Parse(Ipv6EngineRig.Client), pinned, ConnectionTable.TemplateAssured, 600 * Second)));

        // A new connection of the same client, scheduled on the backup, follows the template, not rr.
        Assert.That(backup.Feed(Segment(43000, 443, Syn), Ipv6EngineRig.Public), Is.EqualTo(FrameOutcome.Forwarded));
        Assert.That(Ipv6Frame.DestinationOf(backup.Sent()), Is.EqualTo(pinned));
    }

    [Test]
    public void Ipv6Messages_FillSyncMaxlen_WithSeventyTwoByteEntries()
    {
        var rig = new Ipv6EngineRig();
        var sent = new Capture();
        // 1452: what fits a 1500-byte link under IPv6 and UDP headers, as the kernel's master sizes it on an IPv6 group.
        var config = SyncDaemonConfig.Resolve(SyncRole.Master, new SyncDaemonOptions("sync0", Group: System.Net.IPAddress.Parse("ff02::1:81")), 1500);
        var sync = new SyncMaster(rig.Connections, 0, config.MaximumLength, sent);
        rig.Engine.SyncMaster = sync;
        for (ushort port = 40000; port < 40030; port++)
        {
            Open(rig, port);
        }
        sync.Flush(rig.Now + (2 * Second));

        // 1452 bytes hold the header and 20 entries (8 + 20 * 72 = 1448): 30 flows make one full message and one of 10.
        Assert.That(config.MaximumLength, Is.EqualTo(1452));
        Assert.That(sent.Messages.Select(m => m.Length), Is.EqualTo(new[] { 1448, 8 + (10 * 72) }));
    }
}
