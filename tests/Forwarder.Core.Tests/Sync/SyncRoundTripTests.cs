using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Sync;
using Forwarder.Core.Tests.Engine;
using Forwarder.Core.Tests.Support;

namespace Forwarder.Core.Tests.Sync;

/// <summary>
/// Two engines in one process: a master whose client traffic fills sync messages, and a backup with the same rules that
/// takes them. After "failover" (the next frames go to the backup) each synced flow reaches the real server the master
/// chose, with the master's state.
/// </summary>
public sealed class SyncRoundTripTests
{
    private const long Second = 1_000_000;
    private static readonly ServiceKey PersistentKey = new(IpProtocol.Tcp, Ipv4Address.Parse(EngineRig.Vip).Value, 443);

    private sealed class Capture : ISyncMessageSink
    {
        public List<byte[]> Messages { get; } = [];

        public bool Send(ReadOnlySpan<byte> message)
        {
            Messages.Add(message.ToArray());
            return true;
        }
    }

    private static EngineRig Director()
    {
        var rig = new EngineRig();
        rig.Services.AddService(new ServiceSpec(PersistentKey, "rr", 600, uint.MaxValue));
        foreach (var octet in new[] { 129, 130, 131 })
        {
            rig.Services.AddDestination(PersistentKey, new DestinationSpec(Ipv4Address.Parse($"192.168.139.{octet}"), 443, ForwardingMethod.Masquerade));
        }
        return rig;
    }

    private static byte[] ClientSegment(ushort port, ushort virtualPort = 80, bool syn = false, bool ack = false, bool fin = false, string client = EngineRig.Client) =>
        Frame.Tcp(EngineRig.ClientMac, EngineRig.PublicMac, client, port, EngineRig.Vip, virtualPort, syn: syn, ack: ack, fin: fin);

    /// <summary>Opens a NAT flow on <paramref name="rig"/> with a SYN and two ACKs (the third client packet is the one sync sends); returns its real server.</summary>
    private static string Open(EngineRig rig, ushort port, ushort virtualPort = 80)
    {
        Assert.That(rig.Feed(ClientSegment(port, virtualPort, syn: true), EngineRig.Public), Is.EqualTo(FrameOutcome.Forwarded));
        var server = Frame.ParseIpv4(rig.Output.FrameAt(0)).DestinationAddress.ToString();
        rig.Feed(ClientSegment(port, virtualPort, ack: true), EngineRig.Public);
        rig.Feed(ClientSegment(port, virtualPort, ack: true), EngineRig.Public);
        return server;
    }

    private static (EngineRig Master, SyncMaster Sync, Capture Sent) Master()
    {
        var master = Director();
        var sent = new Capture();
        var sync = new SyncMaster(master.Connections, syncId: 3, maximumLength: 1472, sent);
        master.Engine.SyncMaster = sync;
        return (master, sync, sent);
    }

    private static Connection Find(ConnectionTable table, ushort clientPort, bool template = false) =>
        table.Slots().Select(s => table[s]).Single(c => c.IsTemplate == template && c.ClientPort == (template ? 0 : clientPort));

    [Test]
    public void SyncedFlow_ContinuesOnTheBackup_ToTheSameRealServer()
    {
        var (master, sync, sent) = Master();
        // Two other flows first, so the flow under test is not the backup's own first rr choice.
        Open(master, 41000);
        Open(master, 41001);
        var server = Open(master, 42000);
        Assert.That(sent.Messages, Is.Empty, "nothing goes before the message fills or two seconds pass");
        sync.Flush(master.Now + (2 * Second));
        Assert.That(sent.Messages, Has.Count.EqualTo(1));

        var backup = Director();
        var applier = new SyncBackup(backup.Connections, backup.Services, backup.Engine.Neighbors, syncId: 3);
        applier.Apply(sent.Messages[0], backup.Now);

        var synced = Find(backup.Connections, 42000);
        var original = Find(master.Connections, 42000);
        Assert.That((synced.State, synced.DestinationAddress, synced.DestinationPort, synced.Destination!.Address.ToString(), (synced.Flags & ConnectionFlags.Synced) != 0),
            Is.EqualTo((TcpState.Established, original.DestinationAddress, original.DestinationPort, server, true)));
        Assert.That(backup.TcpServer(int.Parse(server.Split('.')[3], System.Globalization.CultureInfo.InvariantCulture)).ActiveConnections, Is.EqualTo(1));
        Assert.That(applier.Counters.EntriesCreated, Is.EqualTo(3));

        // Failover: the flow's next segment reaches the backup, which forwards it to the same real server.
        Assert.That(backup.Feed(ClientSegment(42000, ack: true), EngineRig.Public), Is.EqualTo(FrameOutcome.Forwarded));
        var forwarded = Frame.ParseIpv4(backup.Output.FrameAt(0));
        Assert.That(forwarded.DestinationAddress.ToString(), Is.EqualTo(server));
    }

    /// <summary>A director whose marks give TCP 8443 of the VIP mark 1, served by a persistent fwmark service.</summary>
    private static EngineRig MarkDirector()
    {
        var rig = new EngineRig();
        rig.Services.FirewallMarks = Forwarder.Core.Marking.MarkRuleSet.Compile(
            Forwarder.Core.Marking.MarksFileParser.Parse($"-A PREROUTING -d {EngineRig.Vip}/32 -p tcp --dport 8443 -j MARK --set-mark 1").Rules,
            ["eth2", "eth1"], new List<Forwarder.Core.Marking.MarksProblem>());
        var key = ServiceKey.ForFirewallMark(1);
        rig.Services.AddService(new ServiceSpec(key, "rr", 600));
        foreach (var octet in new[] { 129, 130, 131 })
        {
            rig.Services.AddDestination(key, new DestinationSpec(Ipv4Address.Parse($"192.168.139.{octet}"), 0, ForwardingMethod.Masquerade));
        }
        return rig;
    }

    [Test]
    public void FirewallMarkFlow_AndItsTemplate_ReachTheBackupsMarkService()
    {
        var master = MarkDirector();
        var sent = new Capture();
        var sync = new SyncMaster(master.Connections, syncId: 3, maximumLength: 1472, sent);
        master.Engine.SyncMaster = sync;
        var server = Open(master, 42000, virtualPort: 8443);
        sync.Flush(master.Now + (2 * Second));

        var backup = MarkDirector();
        var applier = new SyncBackup(backup.Connections, backup.Services, backup.Engine.Neighbors, syncId: 3);
        applier.Apply(sent.Messages.Single(), backup.Now);

        var template = Find(backup.Connections, 0, template: true);
        var synced = Find(backup.Connections, 42000);
        Assert.Multiple(() =>
        {
            Assert.That((template.Protocol, template.VirtualAddress, template.VirtualPort, template.Destination?.Address.ToString()),
                Is.EqualTo(((byte)0, InetAddress.FromIpv4(1), (ushort)0, server)), "<IP, client, 0, mark 1, 0> bound to the same server");
            Assert.That((synced.Destination?.Service.Key, synced.Destination?.Address.ToString(), synced.DestinationPort),
                Is.EqualTo(((ServiceKey?)ServiceKey.ForFirewallMark(1), server, (ushort)8443)));
            Assert.That(backup.Feed(ClientSegment(42000, 8443, ack: true), EngineRig.Public), Is.EqualTo(FrameOutcome.Forwarded));
        });
    }

    [Test]
    public void ClosingFlow_ReachesTheBackup_InItsClosingState()
    {
        var (master, sync, sent) = Master();
        Open(master, 42000);
        master.Feed(ClientSegment(42000, fin: true, ack: true), EngineRig.Public);
        sync.Flush(master.Now + (2 * Second));

        var backup = Director();
        var applier = new SyncBackup(backup.Connections, backup.Services, backup.Engine.Neighbors, syncId: 0);
        applier.Apply(sent.Messages.Single(), backup.Now);

        var synced = Find(backup.Connections, 42000);
        Assert.That(synced.State, Is.EqualTo(TcpState.CloseWait));
        Assert.That(synced.ExpiresAt - backup.Now, Is.EqualTo(60 * Second), "CLOSE_WAIT's timeout, as the master sent it");
        Assert.That(applier.Counters.EntriesUpdated, Is.EqualTo(1), "the ESTABLISHED entry created it, the CLOSE_WAIT one moved it");
    }

    [Test]
    public void PersistentClient_KeepsItsRealServer_OnTheBackup()
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
        var template = backup.Connections.Slots().Select(s => backup.Connections[s]).Single(c => c.IsTemplate && c.ClientAddress == Ipv4Address.Parse(EngineRig.Client).Value && c.DestinationAddress == Ipv4Address.Parse(pinned).Value);
        Assert.That((template.State, template.ExpiresAt - backup.Now), Is.EqualTo((ConnectionTable.TemplateAssured, 600 * Second)));

        // A new connection of the same client, scheduled on the backup, follows the template, not rr.
        Assert.That(backup.Feed(ClientSegment(43000, 443, syn: true), EngineRig.Public), Is.EqualTo(FrameOutcome.Forwarded));
        Assert.That(Frame.ParseIpv4(backup.Output.FrameAt(0)).DestinationAddress.ToString(), Is.EqualTo(pinned));
    }

    [Test]
    public void UnknownRealServer_GivesAnUnboundConnection_ThatStillForwards_AndBindsWhenAdded()
    {
        var (master, sync, sent) = Master();
        var server = Open(master, 42000);
        sync.Flush(master.Now + (2 * Second));

        var backup = Director();
        var octet = int.Parse(server.Split('.')[3], System.Globalization.CultureInfo.InvariantCulture);
        backup.Services.DeleteDestination(EngineRig.TcpKey, Ipv4Address.Parse(server), 80);
        var applier = new SyncBackup(backup.Connections, backup.Services, backup.Engine.Neighbors, syncId: 3);
        applier.Apply(sent.Messages.Single(), backup.Now);

        Assert.That(Find(backup.Connections, 42000).Destination, Is.Null);
        Assert.That(backup.Feed(ClientSegment(42000, ack: true), EngineRig.Public), Is.EqualTo(FrameOutcome.Forwarded));
        Assert.That(Frame.ParseIpv4(backup.Output.FrameAt(0)).DestinationAddress.ToString(), Is.EqualTo(server));

        // The server is configured again; the master's next message for the flow binds it.
        backup.Services.AddDestination(EngineRig.TcpKey, new DestinationSpec(Ipv4Address.Parse(server), 80, ForwardingMethod.Masquerade));
        applier.Apply(sent.Messages.Single(), backup.Now);
        Assert.That(Find(backup.Connections, 42000).Destination, Is.SameAs(backup.TcpServer(octet)));
        Assert.That(backup.TcpServer(octet).ActiveConnections, Is.EqualTo(1));
    }

    [Test]
    public void FlowMovedToAnotherServer_ReplacesTheOld_ButAStaleExpiryDoesNot()
    {
        var backup = Director();
        var applier = new SyncBackup(backup.Connections, backup.Services, backup.Engine.Neighbors, syncId: 0);
        SyncEntry Entry(uint server, KernelConnectionFlags flags) => new()
        {
            Protocol = 6,
            Flags = flags,
            State = 1,
            ClientPort = 42000,
            VirtualPort = 80,
            DestinationPort = 80,
            TimeoutSeconds = 900,
            ClientAddress = Ipv4Address.Parse(EngineRig.Client).Value,
            VirtualAddress = Ipv4Address.Parse(EngineRig.Vip).Value,
            DestinationAddress = server,
        };
        byte[] Message(SyncEntry entry)
        {
            var builder = new SyncMessageBuilder(0, 1472);
            builder.TryAdd(entry, 0);
            return builder.Message.ToArray();
        }
        var first = Ipv4Address.Parse("192.168.139.129").Value;
        var second = Ipv4Address.Parse("192.168.139.130").Value;

        applier.Apply(Message(Entry(first, 0)), backup.Now);
        applier.Apply(Message(Entry(second, KernelConnectionFlags.Inactive)), backup.Now);
        Assert.That((Find(backup.Connections, 42000).DestinationAddress.Ipv4Value, applier.Counters.ApplyProblem(SyncApplyProblem.StaleExpiry)), Is.EqualTo((first, 1L)));

        applier.Apply(Message(Entry(second, 0)), backup.Now);
        Assert.That(Find(backup.Connections, 42000).DestinationAddress.Ipv4Value, Is.EqualTo(second));
        Assert.That(backup.Connections.Count, Is.EqualTo(1));
    }

    [Test]
    public void WhatTheBackupCannotCarry_IsCountedByReason()
    {
        var backup = Director();
        var applier = new SyncBackup(backup.Connections, backup.Services, backup.Engine.Neighbors, syncId: 0);
        var builder = new SyncMessageBuilder(0, 1472);
        var basic = new SyncEntry { Protocol = 6, State = 1, ClientPort = 1, VirtualPort = 80, DestinationPort = 80, ClientAddress = 0x0a000001, VirtualAddress = 0x0a000002, DestinationAddress = 0xc0a88b81 };
        builder.TryAdd(basic with { Protocol = 132 }, 0);
        builder.TryAdd(basic with { Flags = KernelConnectionFlags.LocalNode }, 0);
        builder.TryAdd(basic with { DestinationAddress = 0x08080808 }, 0);

        applier.Apply(builder.Message, backup.Now);

        Assert.That(new[] { SyncApplyProblem.UnsupportedProtocol, SyncApplyProblem.UnsupportedForwarding }
            .Select(applier.Counters.ApplyProblem), Is.All.EqualTo(1));
        // An unknown server off every link still has the default route (through the gateway): it is taken, unbound.
        Assert.That(backup.Connections.Count, Is.EqualTo(1));
    }

    [Test]
    public void BusyMaster_FillsMessagesUpToSyncMaxlen()
    {
        var master = Director();
        var sent = new Capture();
        var sync = new SyncMaster(master.Connections, 0, maximumLength: 500, sent);
        master.Engine.SyncMaster = sync;
        for (ushort port = 40000; port < 40100; port++)
        {
            Open(master, port);
        }
        sync.Flush(master.Now + (2 * Second));

        // 500 bytes hold the header and 13 entries (8 + 13 * 36 = 476): 100 flows make 7 full messages and a last of 9.
        Assert.That(sent.Messages.Select(m => m.Length), Is.EqualTo(Enumerable.Repeat(476, 7).Append(8 + (9 * 36))));
        Assert.That((sync.Counters.MessagesSent, sync.Counters.EntriesSent), Is.EqualTo((8L, 100L)));
    }
}
