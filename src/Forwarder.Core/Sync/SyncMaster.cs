using Forwarder.Core.Connections;
using Forwarder.Core.Services;

namespace Forwarder.Core.Sync;

/// <summary>
/// A master sync daemon's engine side, as the kernel's <c>ip_vs_sync_conn</c>: every client packet of a connection is
/// counted; when <see cref="SyncThresholds"/> says the connection is due, it is written into the message being filled,
/// and then its persistence template is considered too. A message goes out when the next entry would not fit (sync-maxlen)
/// or, from <see cref="Flush"/>, two seconds after its first entry (IPVS_SYNC_FLUSH_TIME). Runs on the engine's thread and
/// allocates nothing per packet; the sink is called there too.
/// </summary>
public sealed class SyncMaster
{
    /// <summary>IPVS_SYNC_FLUSH_TIME: no entry waits longer than this (µs) for its message to fill.</summary>
    public const long FlushAfterMicroseconds = 2_000_000;

    private readonly ConnectionTable _table;
    private readonly ISyncMessageSink _sink;
    private readonly SyncMessageBuilder _message;

    public SyncMaster(ConnectionTable table, byte syncId, int maximumLength, ISyncMessageSink sink, SyncSettings? settings = null, SyncCounters? counters = null)
    {
        _table = table;
        _sink = sink;
        _message = new SyncMessageBuilder(syncId, maximumLength);
        Settings = settings ?? new SyncSettings();
        Counters = counters ?? new SyncCounters();
    }

    public SyncSettings Settings { get; }

    public SyncCounters Counters { get; }

    /// <summary>Entries waiting in the message being filled.</summary>
    public int Pending => _message.Count;

    /// <summary>A client packet of the connection in <paramref name="slot"/> has passed, its state already moved (ip_vs_in's call).</summary>
    public void OnClientPacket(int slot, long now)
    {
        ref var connection = ref _table[slot];
        var packets = ++_table.SyncStateOf(slot).Packets;
        var template = connection.ControllingTemplate - 1;
        Consider(slot, packets, now, controlled: template >= 0);
        if (template >= 0)
        {
            ref var controlling = ref _table[template];
            if (controlling.IsInUse && controlling.IsTemplate)
            {
                // As the kernel: a template's count moves with each packet of a connection it controls.
                Consider(template, ++_table.SyncStateOf(template).Packets, now, controlled: false);
            }
        }
    }

    /// <summary>The tick: sends the message being filled once its first entry is <see cref="FlushAfterMicroseconds"/> old.</summary>
    public void Flush(long now)
    {
        if (_message.Count > 0 && now - _message.FirstEntryAt >= FlushAfterMicroseconds)
        {
            Send();
        }
    }

    /// <summary>The daemon stops: as the kernel's, what was not sent yet is thrown away.</summary>
    public void Discard() => _message.Clear();

    private void Consider(int slot, int packets, long now, bool controlled)
    {
        ref var connection = ref _table[slot];
        var timeout = _table.TimeoutOf(slot);
        if (!SyncThresholds.IsNeeded(in connection, ref _table.SyncStateOf(slot), packets, timeout, now, Settings, controlled))
        {
            return;
        }
        var entry = EntryOf(in connection, timeout);
        if (!_message.TryAdd(entry, now))
        {
            Send();
            _message.TryAdd(entry, now);
        }
    }

    private void Send()
    {
        if (_sink.Send(_message.Message))
        {
            Counters.MessagesSent++;
            Counters.EntriesSent += _message.Count;
        }
        else
        {
            Counters.SendFailures++;
        }
        _message.Clear();
    }

    /// <summary>
    /// A connection as the kernel would describe it: its forwarding method's bits, whether replies bypass the director
    /// and whether it counts as inactive; a template carries its real server's method with IP_VS_CONN_F_INACTIVE, as the
    /// kernel's templates inherit their destination's connection flags.
    /// </summary>
    public static SyncEntry EntryOf(in Connection connection, long timeoutMicroseconds)
    {
        KernelConnectionFlags flags;
        if (connection.IsTemplate)
        {
            var method = connection.Destination?.Method ?? ForwardingMethod.DirectRoute;
            flags = KernelConnectionFlags.Template | KernelConnectionFlags.Inactive | MethodFlags(method) |
                (method == ForwardingMethod.Masquerade ? 0 : KernelConnectionFlags.NoOutput);
        }
        else
        {
            flags = MethodFlags(connection.Method) |
                ((connection.Flags & ConnectionFlags.NoOutput) != 0 ? KernelConnectionFlags.NoOutput : 0) |
                ((connection.Flags & ConnectionFlags.Inactive) != 0 ? KernelConnectionFlags.Inactive : 0);
        }
        if ((connection.Flags & ConnectionFlags.Synced) != 0)
        {
            flags |= KernelConnectionFlags.Synced;
        }
        return new SyncEntry
        {
            IsIpv6 = connection.VirtualAddress.IsIpv6,
            Protocol = connection.Protocol,
            Flags = flags,
            // UDP has the one state NORMAL (0); a template's is NONE or ASSURED.
            State = connection.Protocol == 6 || connection.IsTemplate ? (ushort)connection.State : (ushort)0,
            ClientPort = connection.ClientPort,
            VirtualPort = connection.VirtualPort,
            DestinationPort = connection.DestinationPort,
            TimeoutSeconds = (uint)(timeoutMicroseconds / 1_000_000),
            ClientAddress = connection.ClientAddress.ToUInt128(),
            VirtualAddress = connection.VirtualAddress.ToUInt128(),
            DestinationAddress = connection.DestinationAddress.ToUInt128(),
            // The kernel sends the packet's mark (cp->fwmark); here, the mark of the firewall-mark service it went to.
            FirewallMark = connection.Destination?.Service.Key.FirewallMark ?? 0,
        };
    }

    public static KernelConnectionFlags MethodFlags(ForwardingMethod method) => method switch
    {
        ForwardingMethod.Tunnel => KernelConnectionFlags.Tunnel,
        ForwardingMethod.DirectRoute => KernelConnectionFlags.DirectRoute,
        _ => KernelConnectionFlags.Masquerade,
    };
}
