using System.Diagnostics;
using System.Runtime.CompilerServices;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Core.Connections;

/// <summary>
/// The director's connections: a growable array of <see cref="Connection"/> values, two open-addressing
/// indexes into it (client side for every flow, real-server side for NAT replies), and a timer wheel on
/// the engine's clock. Bounded by <see cref="Maximum"/>; nothing here allocates once the arrays have grown.
/// As IPVS, a new connection counts as inactive on its destination until its first packet moves it into
/// an active state (<see cref="TcpStateTable.IsActive"/>); UDP connections stay inactive.
/// </summary>
public sealed partial class ConnectionTable
{
    public const int DefaultMaximum = 1 << 20;
    private const int InitialCapacity = 1 << 10;
    private const long TickMicroseconds = 1000;
    private const int WheelSize = 1 << 16;

    private readonly ConnectionTimeouts _timeouts;
    private readonly ulong _seed;
    private readonly int[] _wheel = new int[WheelSize];
    private Connection[] _entries;

    // Beside each entry, out of its cache lines: the timer wheel's links (slot indexes, -1 for none; the free list
    // threads through Next) and sync's bookkeeping.
    private TimerLinks[] _timers;
    private ConnectionSyncState[] _sync;
    // Index cells hold slot + 1 in their low bits and the flow hash's high bits above it (a tag), so a probe passes
    // a cell of another flow without reading that flow's entry: only a tag match costs the entry's cache line.
    private int[] _clientIndex;
    private int[] _serverIndex;
    private int _indexMask;
    private readonly uint _slotMask;
    private readonly uint _tagMask;
    private int _freeHead = -1;
    private int _highWater;
    private long _processedTick = long.MinValue;
    private long _nextTickAt;
    private int _evictionCursor;

    public ConnectionTable(ConnectionTimeouts timeouts, int maximum = DefaultMaximum, ulong seed = 0x5EED_F0A2_D1E7_C0DEUL)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maximum, 1);
        _timeouts = timeouts;
        _seed = seed;
        Maximum = maximum;
        // slot + 1 runs up to the maximum; what bits it leaves above are the tag's.
        var slotBits = 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)maximum);
        _slotMask = slotBits >= 32 ? uint.MaxValue : (1u << slotBits) - 1;
        _tagMask = ~_slotMask;
        Array.Fill(_wheel, -1);
        var capacity = Math.Min(InitialCapacity, maximum);
        var indexSize = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity * 2);
        _entries = new Connection[capacity];
        _timers = new TimerLinks[capacity];
        _sync = new ConnectionSyncState[capacity];
        _clientIndex = new int[indexSize];
        _serverIndex = new int[indexSize];
        _indexMask = indexSize - 1;
    }

    /// <summary>Bytes one connection costs at full size: its entry, its timer links and sync state, and its share of both indexes.</summary>
    public static int EntryBytes =>
        Unsafe.SizeOf<Connection>() + Unsafe.SizeOf<TimerLinks>() + Unsafe.SizeOf<ConnectionSyncState>() + (2 * 2 * sizeof(int));

    public int Maximum { get; }

    public int Count { get; private set; }

    public long ExpiredCount { get; private set; }

    /// <summary>Half-open connections shed to make room for new flows while the table was full.</summary>
    public long EvictedEmbryonic { get; private set; }

    /// <summary>New flows refused because the table was full of connections worth keeping.</summary>
    public long RefusedFull { get; private set; }

    public ConnectionTimeouts Timeouts => _timeouts;

    public ref Connection this[int slot] => ref _entries[slot];

    /// <summary>Connection sync's bookkeeping of the connection in <paramref name="slot"/> (cleared when the slot is freed).</summary>
    public ref ConnectionSyncState SyncStateOf(int slot) => ref _sync[slot];

    /// <summary>One past the highest slot ever used: every entry in use is below it (for copies made in slices).</summary>
    public int SlotCount => _highWater;

    /// <summary>The slots in use, in slot order (for listings; not for the hot path).</summary>
    public IEnumerable<int> Slots()
    {
        for (var slot = 0; slot < _highWater; slot++)
        {
            if (_entries[slot].IsInUse)
            {
                yield return slot;
            }
        }
    }

    /// <summary>The connection of a client-to-virtual-service packet, or -1. A connection past its expiry is expired now.</summary>
    public int FindByClient(byte protocol, InetAddress clientAddress, ushort clientPort, InetAddress virtualAddress, ushort virtualPort, long now) =>
        FindByClient(protocol, clientAddress, clientPort, virtualAddress, virtualPort, now, out _);

    /// <summary>
    /// As <see cref="FindByClient(byte, InetAddress, ushort, InetAddress, ushort, long)"/>, also giving the flow's
    /// client-side hash, which a connection then made for this flow hands to <see cref="Admit(int, long, uint, uint)"/>.
    /// </summary>
    public int FindByClient(byte protocol, InetAddress clientAddress, ushort clientPort, InetAddress virtualAddress, ushort virtualPort, long now, out uint clientHash)
    {
        clientHash = FlowHash.Compute(protocol, clientAddress, clientPort, virtualAddress, virtualPort, _seed);
        return FindClientSide(protocol, clientAddress, clientPort, virtualAddress, virtualPort, now, template: false, clientHash);
    }

    /// <summary>
    /// As <see cref="FindByClient(byte, InetAddress, ushort, InetAddress, ushort, long)"/> with the flow's client-side
    /// hash already known (<see cref="HintClientSide"/> gave it): a hinted frame's lookup does not hash again.
    /// </summary>
    public int FindByClientHashed(byte protocol, InetAddress clientAddress, ushort clientPort, InetAddress virtualAddress, ushort virtualPort, long now, uint clientHash)
    {
        Debug.Assert(clientHash == FlowHash.Compute(protocol, clientAddress, clientPort, virtualAddress, virtualPort, _seed), "the hash is the flow's");
        return FindClientSide(protocol, clientAddress, clientPort, virtualAddress, virtualPort, now, template: false, clientHash);
    }

    /// <summary>The persistence template of a (masked) client for a service, or -1: IPVS keys it by client address, port 0.</summary>
    public int FindTemplate(byte protocol, InetAddress maskedClient, InetAddress virtualAddress, ushort virtualPort, long now) =>
        FindClientSide(protocol, maskedClient, 0, virtualAddress, virtualPort, now, template: true,
            FlowHash.Compute(protocol, maskedClient, 0, virtualAddress, virtualPort, _seed));

    private int FindClientSide(byte protocol, InetAddress clientAddress, ushort clientPort, InetAddress virtualAddress, ushort virtualPort, long now, bool template, uint hash)
    {
        var index = _clientIndex;
        for (var position = (int)hash & _indexMask; ; position = (position + 1) & _indexMask)
        {
            var stored = (uint)index[position];
            if (stored == 0)
            {
                return -1;
            }
            if (((stored ^ hash) & _tagMask) != 0)
            {
                continue;
            }
            var slot = SlotOfCell((int)stored);
            ref var entry = ref _entries[slot];
            if (entry.ClientAddress == clientAddress && entry.VirtualAddress == virtualAddress &&
                entry.ClientPort == clientPort && entry.VirtualPort == virtualPort && entry.Protocol == protocol &&
                entry.IsTemplate == template)
            {
                return Live(slot, now);
            }
        }
    }

    /// <summary>The NAT connection a real server's reply belongs to (its source is the real server, its destination the client), or -1.</summary>
    public int FindByServer(byte protocol, InetAddress serverAddress, ushort serverPort, InetAddress clientAddress, ushort clientPort, long now) =>
        FindByServerHashed(protocol, serverAddress, serverPort, clientAddress, clientPort, now,
            FlowHash.Compute(protocol, serverAddress, serverPort, clientAddress, clientPort, _seed));

    /// <summary>As <see cref="FindByServer"/> with the reply-side hash already known (<see cref="HintServerSide"/> gave it).</summary>
    public int FindByServerHashed(byte protocol, InetAddress serverAddress, ushort serverPort, InetAddress clientAddress, ushort clientPort, long now, uint hash)
    {
        Debug.Assert(hash == FlowHash.Compute(protocol, serverAddress, serverPort, clientAddress, clientPort, _seed), "the hash is the flow's");
        var index = _serverIndex;
        for (var position = (int)hash & _indexMask; ; position = (position + 1) & _indexMask)
        {
            var stored = (uint)index[position];
            if (stored == 0)
            {
                return -1;
            }
            if (((stored ^ hash) & _tagMask) != 0)
            {
                continue;
            }
            var slot = SlotOfCell((int)stored);
            ref var entry = ref _entries[slot];
            if (entry.DestinationAddress == serverAddress && entry.ClientAddress == clientAddress &&
                entry.DestinationPort == serverPort && entry.ClientPort == clientPort && entry.Protocol == protocol)
            {
                return Live(slot, now);
            }
        }
    }

    /// <summary>
    /// Stores a new connection in state NONE, bound to its destination as inactive, expiring after the
    /// NONE timeout unless a packet moves it on. Returns its slot, or -1 when the table is full.
    /// </summary>
    public int Add(in Connection connection, long now)
    {
        var slot = Reserve();
        if (slot < 0)
        {
            return -1;
        }
        _entries[slot] = connection;
        Admit(slot, now);
        return slot;
    }

    /// <summary>
    /// A free slot, its entry cleared, for a new connection the caller writes in place (the new-flow path, which so
    /// builds its entry once rather than on the stack and again here) and then hands to <see cref="Admit"/> at once;
    /// -1 when the table is full. As <see cref="Add"/>, a full table may shed a half-open connection to make room.
    /// </summary>
    public int Reserve() => TakeSlot();

    /// <summary>Stores the connection written into a <see cref="Reserve"/>d slot, as <see cref="Add"/> stores one.</summary>
    public void Admit(int slot, long now)
    {
        ref var entry = ref _entries[slot];
        Admit(slot, now, HashClientSide(in entry), entry.Method == ForwardingMethod.Masquerade ? HashServerSide(in entry) : 0);
    }

    /// <summary>
    /// As <see cref="Admit(int, long)"/>, with the entry's hashes already known: its client-side hash as
    /// <see cref="FindByClient(byte, InetAddress, ushort, InetAddress, ushort, long, out uint)"/> gave it, and for NAT
    /// its reply-side hash as <see cref="PrefetchServerSide"/> gave it (the new-flow path, so it hashes each key once).
    /// </summary>
    public void Admit(int slot, long now, uint clientHash, uint serverHash)
    {
        ref var entry = ref _entries[slot];
        Debug.Assert(clientHash == HashClientSide(in entry), "the client-side hash is the entry's");
        Debug.Assert(entry.Method != ForwardingMethod.Masquerade || serverHash == HashServerSide(in entry), "the reply-side hash is the entry's");
        entry.Flags |= ConnectionFlags.InUse | ConnectionFlags.Inactive;
        if (entry.Method != ForwardingMethod.Masquerade)
        {
            entry.Flags |= ConnectionFlags.NoOutput;
        }
        entry.State = TcpState.None;
        entry.ExpiresAt = now + TimeoutOf(in entry);
        Count++;
        if (entry.Destination is { } destination)
        {
            if ((entry.Flags & ConnectionFlags.Template) != 0)
            {
                destination.PersistentConnections++;
            }
            else
            {
                destination.InactiveConnections++;
            }
            destination.OnConnectionBound();
        }
        if (entry.ControllingTemplate != 0)
        {
            _entries[entry.ControllingTemplate - 1].ControlledCount++;
        }
        InsertIndex(_clientIndex, clientHash, slot);
        if (entry.Method == ForwardingMethod.Masquerade)
        {
            InsertIndex(_serverIndex, serverHash, slot);
        }
        StartTimers(now);
        LinkTimer(slot);
    }

    /// <summary>
    /// Every live connection and template as a state file keeps it (templates first), with the time each has left at
    /// <paramref name="now"/>. One without a destination (none is made so) cannot be bound again and is left out.
    /// </summary>
    public List<SavedConnection> Snapshot(long now)
    {
        var saved = new List<SavedConnection>(Count);
        foreach (var template in new[] { true, false })
        {
            for (var slot = 0; slot < _highWater; slot++)
            {
                ref var entry = ref _entries[slot];
                if (!entry.IsInUse || entry.IsTemplate != template || entry.Destination is not { } destination || entry.ExpiresAt <= now)
                {
                    continue;
                }
                saved.Add(new SavedConnection(slot + 1, template, (IpProtocol)entry.Protocol, entry.ClientAddress, entry.ClientPort,
                    entry.VirtualAddress, entry.VirtualPort, entry.DestinationAddress, entry.DestinationPort, destination.Service.Key,
                    destination.Port, entry.Method, entry.State, entry.Flags & (ConnectionFlags.NoOutput | ConnectionFlags.Detached | ConnectionFlags.Template),
                    entry.ExpiresAt - now, template ? 0 : entry.ControllingTemplate));
            }
        }
        return saved;
    }

    /// <summary>
    /// Puts back a connection a state file kept, bound to <paramref name="connection"/>'s destination, in its saved
    /// state and flags, expiring at <paramref name="expiresAt"/>: counted on its destination as its state says (active
    /// for an active TCP state, as <see cref="Touch"/> would have it, else inactive; a template as persistent), and on
    /// its controlling template. Returns its slot, or -1 when the table is full.
    /// </summary>
    public int Restore(in Connection connection, long expiresAt, long now)
    {
        var slot = TakeSlot();
        if (slot < 0)
        {
            return -1;
        }
        ref var entry = ref _entries[slot];
        entry = connection;
        entry.Flags = (entry.Flags & (ConnectionFlags.NoOutput | ConnectionFlags.Detached | ConnectionFlags.Template)) | ConnectionFlags.InUse;
        var active = !entry.IsTemplate && entry.Protocol == (byte)IpProtocol.Tcp && TcpStateTable.IsActive(entry.State);
        if (!active)
        {
            entry.Flags |= ConnectionFlags.Inactive;
        }
        entry.ExpiresAt = expiresAt;
        entry.ControlledCount = 0;
        Count++;
        if (entry.Destination is { } destination)
        {
            if (entry.IsTemplate)
            {
                destination.PersistentConnections++;
            }
            else if (active)
            {
                destination.ActiveConnections++;
            }
            else
            {
                destination.InactiveConnections++;
            }
            destination.OnConnectionBound();
        }
        if (entry.ControllingTemplate != 0)
        {
            _entries[entry.ControllingTemplate - 1].ControlledCount++;
        }
        if ((entry.Flags & ConnectionFlags.Detached) == 0)
        {
            InsertIndex(_clientIndex, HashClientSide(in entry), slot);
        }
        if (entry.Method == ForwardingMethod.Masquerade && !entry.IsTemplate)
        {
            InsertIndex(_serverIndex, HashServerSide(in entry), slot);
        }
        StartTimers(now);
        LinkTimer(slot);
        return slot;
    }

    /// <summary>
    /// A packet of the connection passed: moves a TCP connection through IPVS's state table (moving one count
    /// between its destination's ActiveConn and InActConn when it crosses between an active and an inactive
    /// state) and renews its expiry.
    /// </summary>
    public void Touch(int slot, PacketDirection direction, byte tcpFlags, long now)
    {
        ref var entry = ref _entries[slot];
        var oldState = entry.State;
        if (entry.Protocol == (byte)IpProtocol.Tcp)
        {
            if ((entry.Flags & ConnectionFlags.NoOutput) != 0)
            {
                if (direction == PacketDirection.Output)
                {
                    entry.Flags &= ~ConnectionFlags.NoOutput;
                }
                else
                {
                    direction = PacketDirection.InputOnly;
                }
            }
            var newState = TcpStateTable.NextState(oldState, direction, tcpFlags);
            if (newState != oldState)
            {
                MoveActivity(ref entry, newState);
                entry.State = newState;
                if (newState == TcpState.Established)
                {
                    AssureTemplate(in entry);
                }
            }
        }
        else if (direction == PacketDirection.Output)
        {
            // As the kernel's UDP: a reply assures the template.
            AssureTemplate(in entry);
        }
        var expires = now + TimeoutOf(in entry);
        var shortened = expires < entry.ExpiresAt;
        entry.ExpiresAt = expires;
        if (shortened)
        {
            // The wheel only ever finds an entry late, never early, so a sooner expiry must be relinked.
            UnlinkTimer(slot);
            LinkTimer(slot);
        }
    }

    /// <summary>
    /// What a sync message says of a connection, as ip_vs_proc_conn sets it on a backup: its state, whether it counts as
    /// inactive (the master's IP_VS_CONN_F_INACTIVE, moving one count between its destination's ActiveConn and InActConn
    /// when that changes), whether replies bypass the director, and its expiry, which the next packet recomputes from this
    /// director's own timeouts.
    /// </summary>
    public void ApplySynced(int slot, TcpState state, bool inactive, bool noOutput, long expiresAt)
    {
        ref var entry = ref _entries[slot];
        var wasInactive = (entry.Flags & ConnectionFlags.Inactive) != 0;
        if (wasInactive != inactive && !entry.IsTemplate && entry.Destination is { } destination)
        {
            destination.ActiveConnections += inactive ? -1 : 1;
            destination.InactiveConnections += inactive ? 1 : -1;
        }
        entry.Flags = (entry.Flags & ~(ConnectionFlags.Inactive | ConnectionFlags.NoOutput)) | ConnectionFlags.Synced |
            (inactive ? ConnectionFlags.Inactive : 0) | (noOutput ? ConnectionFlags.NoOutput : 0);
        entry.State = state;
        entry.ExpiresAt = expiresAt;
        UnlinkTimer(slot);
        LinkTimer(slot);
    }

    /// <summary>
    /// Binds a connection that has no destination to one (as ip_vs_try_bind_dest, when a sync update finds its real
    /// server configured now): it counts on the destination from here on and takes its forwarding method.
    /// </summary>
    public void Bind(int slot, Destination destination)
    {
        ref var entry = ref _entries[slot];
        if (entry.Destination is not null || !entry.IsInUse)
        {
            return;
        }
        entry.Destination = destination;
        if (entry.IsTemplate)
        {
            destination.PersistentConnections++;
        }
        else if ((entry.Flags & ConnectionFlags.Inactive) != 0)
        {
            destination.InactiveConnections++;
        }
        else
        {
            destination.ActiveConnections++;
        }
        destination.OnConnectionBound();
    }

    /// <summary>How long the connection in <paramref name="slot"/> lives after its last use, in µs (what sync sends as its timeout).</summary>
    public long TimeoutOf(int slot) => TimeoutOf(in _entries[slot]);

    /// <summary>
    /// As ip_vs_control_assure_ct: once a connection it controls is established (TCP) or answered (UDP), a persistence
    /// template is ASSURED (IP_VS_CTPL_S_ASSURED, kept in its state as 1): listed so, and sent so to sync backups.
    /// </summary>
    private void AssureTemplate(in Connection entry)
    {
        if (entry.ControllingTemplate != 0 && _entries[entry.ControllingTemplate - 1] is { IsTemplate: true, State: TcpState.None })
        {
            _entries[entry.ControllingTemplate - 1].State = TemplateAssured;
        }
    }

    /// <summary>A template's state once assured: IP_VS_CTPL_S_ASSURED (1), which is ESTABLISHED's number.</summary>
    public const TcpState TemplateAssured = (TcpState)1;

    /// <summary>Ends a connection: it leaves both indexes and the wheel and no longer counts on its destination.</summary>
    public void Remove(int slot)
    {
        ref var entry = ref _entries[slot];
        if (!entry.IsInUse)
        {
            return;
        }
        UnlinkTimer(slot);
        if ((entry.Flags & ConnectionFlags.Detached) == 0)
        {
            RemoveIndex(_clientIndex, HashClientSide(in entry), slot);
        }
        if (entry.Method == ForwardingMethod.Masquerade)
        {
            RemoveIndex(_serverIndex, HashServerSide(in entry), slot);
        }
        if (entry.Destination is { } destination)
        {
            if ((entry.Flags & ConnectionFlags.Template) != 0)
            {
                destination.PersistentConnections--;
            }
            else if ((entry.Flags & ConnectionFlags.Inactive) != 0)
            {
                destination.InactiveConnections--;
            }
            else
            {
                destination.ActiveConnections--;
            }
            destination.OnConnectionUnbound();
        }
        if (entry.ControllingTemplate != 0 && _entries[entry.ControllingTemplate - 1] is { IsTemplate: true, ControlledCount: > 0 })
        {
            _entries[entry.ControllingTemplate - 1].ControlledCount--;
        }
        entry = default;
        _sync[slot] = default;
        _timers[slot].Next = _freeHead;
        _freeHead = slot;
        Count--;
    }

    /// <summary>Expires every connection whose time has passed by <paramref name="now"/>, to within one millisecond tick.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ExpireUntil(long now)
    {
        // Every frame asks; within the tick already processed there is nothing to do, and the answer is one compare.
        if (now >= 0 && now < _nextTickAt)
        {
            return;
        }
        ExpireTicks(now);
    }

    private void ExpireTicks(long now)
    {
        var target = (now / TickMicroseconds) - 1;
        if (_processedTick == long.MinValue || target <= _processedTick)
        {
            return;
        }
        var steps = Math.Min(target - _processedTick, WheelSize);
        for (var tick = _processedTick + 1; tick <= _processedTick + steps; tick++)
        {
            var wheelSlot = (int)(tick & (WheelSize - 1));
            var slot = _wheel[wheelSlot];
            _wheel[wheelSlot] = -1;
            while (slot >= 0)
            {
                ref var entry = ref _entries[slot];
                var next = _timers[slot].Next;
                _timers[slot].Prev = NotLinked;
                if (entry.ExpiresAt <= now && entry.IsTemplate && entry.ControlledCount > 0)
                {
                    // As ip_vs_conn_expire: a template that still controls connections lives another timeout.
                    entry.ExpiresAt = now + TimeoutOf(in entry);
                    LinkTimer(slot);
                }
                else if (entry.ExpiresAt <= now)
                {
                    ExpiredCount++;
                    Remove(slot);
                }
                else
                {
                    LinkTimer(slot);
                }
                slot = next;
            }
        }
        SetProcessedTick(target);
    }

    /// <summary>Moves the wheel's hand, and with it the first time (µs) at which <see cref="ExpireUntil"/> has a tick to process.</summary>
    private void SetProcessedTick(long tick)
    {
        _processedTick = tick;
        _nextTickAt = (tick + 2) * TickMicroseconds;
    }

    /// <summary>Expires, precisely, everything due by <paramref name="now"/> (for listings at a given moment).</summary>
    public void ExpireExactly(long now)
    {
        ExpireUntil(now);
        // Connections first, so that templates they kept alive are free to go in the same pass.
        foreach (var slot in Slots().Where(s => !_entries[s].IsTemplate).Concat(Slots().Where(s => _entries[s].IsTemplate)).ToList())
        {
            Live(slot, now);
        }
    }

    private const int NotLinked = int.MinValue;

    private int Live(int slot, long now)
    {
        ref var entry = ref _entries[slot];
        if (entry.ExpiresAt > now)
        {
            return slot;
        }
        if (entry.IsTemplate && entry.ControlledCount > 0)
        {
            entry.ExpiresAt = now + TimeoutOf(in entry);
            UnlinkTimer(slot);
            LinkTimer(slot);
            return slot;
        }
        ExpiredCount++;
        Remove(slot);
        return -1;
    }

    /// <summary>
    /// How long an entry lives after its last use: a template, its service's persistence timeout; a flow,
    /// its protocol's and state's timeout.
    /// </summary>
    private long TimeoutOf(in Connection entry) =>
        entry.IsTemplate && entry.Destination?.Service.PersistenceTimeout is { } persistence
            ? persistence * 1_000_000L
            : _timeouts.TimeoutMicroseconds((IpProtocol)entry.Protocol, entry.State);

    /// <summary>
    /// A template that no longer holds (its server left the service): as the kernel's ip_vs_check_template,
    /// it leaves lookups, its virtual and real ports become 65535 (so listings show it so), and it stays until
    /// its own timer, not restarted, runs out (and, as any template, while it controls connections).
    /// New flows of its client get a new template.
    /// </summary>
    public void InvalidateTemplate(int slot)
    {
        ref var entry = ref _entries[slot];
        if (!entry.IsInUse || (entry.Flags & ConnectionFlags.Detached) != 0)
        {
            return;
        }
        RemoveIndex(_clientIndex, HashClientSide(in entry), slot);
        entry.Flags |= ConnectionFlags.Detached;
        entry.VirtualPort = InvalidatedPort;
        entry.DestinationPort = InvalidatedPort;
    }

    /// <summary>The port an invalidated template carries, as the kernel's (0xffff).</summary>
    public const ushort InvalidatedPort = 0xFFFF;

    /// <summary>Ends a connection at once, as ip_vs_conn_expire_now: it counts as expired.</summary>
    public void ExpireNow(int slot)
    {
        if (_entries[slot].IsInUse)
        {
            ExpiredCount++;
            Remove(slot);
        }
    }

    /// <summary>A template was used to schedule a new connection: as ip_vs_conn_put, its timer starts again.</summary>
    public void RenewTemplate(int slot, long now)
    {
        ref var entry = ref _entries[slot];
        entry.ExpiresAt = now + TimeoutOf(in entry);
        UnlinkTimer(slot);
        LinkTimer(slot);
    }

    private static void MoveActivity(ref Connection entry, TcpState newState)
    {
        if (entry.Destination is not { } destination || (entry.Flags & ConnectionFlags.Template) != 0)
        {
            return;
        }
        var inactive = (entry.Flags & ConnectionFlags.Inactive) != 0;
        var active = TcpStateTable.IsActive(newState);
        if (!inactive && !active)
        {
            destination.ActiveConnections--;
            destination.InactiveConnections++;
            entry.Flags |= ConnectionFlags.Inactive;
        }
        else if (inactive && active)
        {
            destination.ActiveConnections++;
            destination.InactiveConnections--;
            entry.Flags &= ~ConnectionFlags.Inactive;
        }
    }

    private uint HashClientSide(in Connection c) =>
        FlowHash.Compute(c.Protocol, c.ClientAddress, c.ClientPort, c.VirtualAddress, c.VirtualPort, _seed);

    private uint HashServerSide(in Connection c) =>
        FlowHash.Compute(c.Protocol, c.DestinationAddress, c.DestinationPort, c.ClientAddress, c.ClientPort, _seed);

    private int TakeSlot()
    {
        if (_freeHead >= 0)
        {
            var slot = _freeHead;
            _freeHead = _timers[slot].Next;
            return slot;
        }
        if (_highWater == _entries.Length)
        {
            if (_entries.Length >= Maximum)
            {
                return EvictEmbryonic();
            }
            Grow(Math.Min(_entries.Length * 2, Maximum));
        }
        return _highWater++;
    }

    /// <summary>
    /// Full: as IPVS's drop_entry defence, shed a half-open TCP connection (a SYN never answered into
    /// ESTABLISHED; active since the SYN, as the kernel counts it) rather than refuse the new flow, so a SYN flood cannot push out established flows and
    /// cannot lock new clients out for long. The search is bounded; finding none, the new flow is refused.
    /// </summary>
    private int EvictEmbryonic()
    {
        const int SearchLimit = 64;
        for (var step = 0; step < SearchLimit; step++)
        {
            var slot = _evictionCursor;
            _evictionCursor = (_evictionCursor + 1) % _highWater;
            ref var entry = ref _entries[slot];
            if (entry.IsInUse && entry.Protocol == (byte)IpProtocol.Tcp &&
                (entry.Flags & ConnectionFlags.Template) == 0 &&
                entry.State is TcpState.None or TcpState.SynRecv or TcpState.SynAck)
            {
                Remove(slot);
                EvictedEmbryonic++;
                return TakeSlot();
            }
        }
        RefusedFull++;
        return -1;
    }

    private void Grow(int capacity)
    {
        Array.Resize(ref _entries, capacity);
        Array.Resize(ref _timers, capacity);
        Array.Resize(ref _sync, capacity);
        var indexSize = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity * 2);
        _clientIndex = new int[indexSize];
        _serverIndex = new int[indexSize];
        _indexMask = indexSize - 1;
        for (var slot = 0; slot < _highWater; slot++)
        {
            ref var entry = ref _entries[slot];
            if (!entry.IsInUse)
            {
                continue;
            }
            if ((entry.Flags & ConnectionFlags.Detached) == 0)
            {
                InsertIndex(_clientIndex, HashClientSide(in entry), slot);
            }
            if (entry.Method == ForwardingMethod.Masquerade)
            {
                InsertIndex(_serverIndex, HashServerSide(in entry), slot);
            }
        }
    }

    private void InsertIndex(int[] index, uint hash, int slot)
    {
        var position = (int)hash & _indexMask;
        while (index[position] != 0)
        {
            position = (position + 1) & _indexMask;
        }
        index[position] = Cell(hash, slot);
    }

    /// <summary>Linear-probing deletion by backward shift, so no tombstones lengthen later probes.</summary>
    private void RemoveIndex(int[] index, uint hash, int slot)
    {
        var hole = (int)hash & _indexMask;
        var cell = Cell(hash, slot);
        while (index[hole] != cell)
        {
            if (index[hole] == 0)
            {
                return;
            }
            hole = (hole + 1) & _indexMask;
        }
        var serverSide = ReferenceEquals(index, _serverIndex);
        var probe = hole;
        while (true)
        {
            probe = (probe + 1) & _indexMask;
            var stored = index[probe];
            if (stored == 0)
            {
                break;
            }
            ref var moved = ref _entries[SlotOfCell(stored)];
            var home = (int)(serverSide ? HashServerSide(in moved) : HashClientSide(in moved)) & _indexMask;
            // The entry may fill the hole unless its home lies cyclically in (hole, probe].
            var homeAfterHole = hole <= probe ? home > hole && home <= probe : home > hole || home <= probe;
            if (!homeAfterHole)
            {
                index[hole] = stored;
                hole = probe;
            }
        }
        index[hole] = 0;
    }

    /// <summary>An index cell: the slot + 1, under the hash's tag bits.</summary>
    private int Cell(uint hash, int slot) => (int)((hash & _tagMask) | (uint)(slot + 1));

    /// <summary>The slot an index cell names.</summary>
    private int SlotOfCell(int cell) => (int)((uint)cell & _slotMask) - 1;

    private void StartTimers(long now)
    {
        if (_processedTick == long.MinValue)
        {
            SetProcessedTick((now / TickMicroseconds) - 1);
        }
    }

    private void LinkTimer(int slot)
    {
        ref var links = ref _timers[slot];
        var tick = Math.Max(_entries[slot].ExpiresAt / TickMicroseconds, _processedTick + 1);
        var wheelSlot = (int)(tick & (WheelSize - 1));
        var head = _wheel[wheelSlot];
        links.Next = head;
        links.Prev = -2 - wheelSlot;
        if (head >= 0)
        {
            _timers[head].Prev = slot;
        }
        _wheel[wheelSlot] = slot;
    }

    private void UnlinkTimer(int slot)
    {
        ref var links = ref _timers[slot];
        if (links.Prev == NotLinked)
        {
            return;
        }
        if (links.Prev >= 0)
        {
            _timers[links.Prev].Next = links.Next;
        }
        else
        {
            _wheel[-2 - links.Prev] = links.Next;
        }
        if (links.Next >= 0)
        {
            _timers[links.Next].Prev = links.Prev;
        }
        links.Prev = NotLinked;
        links.Next = -1;
    }

    /// <summary>Where a slot stands in the timer wheel's list: the next and previous slot, or the wheel slot's head as -2 - index.</summary>
    private struct TimerLinks
    {
        public int Next;
        public int Prev;
    }
}
