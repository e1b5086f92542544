using System.Runtime.CompilerServices;
using Forwarder.Core.Frames;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Neighbors;

/// <summary>
/// MAC addresses of the hosts on the director's links, IPv4 (ARP) and IPv6 (Neighbour Discovery) alike, kept as the
/// kernel's neighbour code keeps them (net/core/neighbour.c, with ARP's defaults, <see cref="NeighborTimings"/>, which
/// are ND's too: RFC 4861's MAX_MULTICAST_SOLICIT 3, RETRANS_TIMER 1 s, REACHABLE_TIME 30 s, DELAY_FIRST_PROBE_TIME 5 s),
/// on the engine's clock. For IPv6 a request is a Neighbour Solicitation (to the target's solicited-node group, or
/// unicast to the kept MAC when re-probing) and an answer a Neighbour Advertisement:
/// <list type="bullet">
/// <item>The topology's static neighbours are PERMANENT: never aged, never changed by ARP.</item>
/// <item>A frame for an unknown (or FAILED) next hop starts a resolution (INCOMPLETE): broadcast requests once a
/// second, mcast_solicit in all, while the frame waits (bounded); no answer, and what waited is dropped (FAILED).</item>
/// <item>An ARP reply unicast to us confirms an entry: REACHABLE for the reachable time, then STALE. Frames still go
/// to a stale entry's MAC; the first use moves it to DELAY, and without a confirmation within delay_first_probe_time
/// to PROBE: ucast_solicit unicast requests to that MAC (then mcast_resolicit broadcast ones, 0 by default); no
/// answer, FAILED, and the next frame resolves afresh and waits, as a new resolution does.</item>
/// <item>Any ARP from a known address (a request, a broadcast or gratuitous reply) updates its MAC at once (as
/// STALE, so the new one is checked when used), except within locktime of the last change unless gratuitous.</item>
/// <item>Stale and failed entries unused for gc_stale_time are collected once the table holds gc_thresh1 learned entries.</item>
/// </list>
/// What confirms reachability is the kernel's rule for a router: only an ARP reply addressed to us. The kernel also
/// takes confirmations from its own TCP sockets (dst_confirm), which a forwarder has none of; traffic merely passing
/// from a neighbour confirms nothing in the kernel either (it proves the MAC sent a frame, not that it still owns the
/// address), so an active neighbour is re-probed with one unicast request about every reachable time, as Linux
/// routers do. The per-packet path reads one entry through the connection's <see cref="NeighborHandle"/> and writes
/// nothing while the entry is REACHABLE, DELAY, PROBE or PERMANENT (as the kernel's connected output).
/// </summary>
public sealed class NeighborTable : INextHopResolver
{
    public const int MaximumLearned = 4096;
    public const int MaximumHeldFrames = 256;
    public const int MaximumHeldPerAddress = 16;

    private readonly DirectorTopology _topology;
    private readonly NeighborTimings _timings;
    private readonly NeighborEntry[] _entries;
    private readonly List<byte[]>?[] _held;
    private readonly Dictionary<InetAddress, int> _slots = new();
    private readonly Stack<int> _free = new();
    private readonly int _firstLearnedSlot;
    private int _highWater;
    private int _heldFrames;
    private long _now;
    private long _nextTimer = long.MaxValue;
    private long _nextPeriodic = long.MinValue;
    private long _nextRedraw = long.MinValue;
    private ulong _random;

    public NeighborTable(DirectorTopology topology, NeighborTimings? timings = null, ulong seed = 0x9E37_79B9_7F4A_7C15UL)
    {
        _topology = topology;
        _timings = timings ?? new NeighborTimings();
        _random = seed == 0 ? 1 : seed;
        var statics = topology.Neighbors.ToList();
        _entries = new NeighborEntry[statics.Count + MaximumLearned];
        _held = new List<byte[]>?[_entries.Length];
        for (var slot = 0; slot < _entries.Length; slot++)
        {
            _entries[slot].Generation = 1;
        }
        foreach (var neighbor in statics)
        {
            var slot = _highWater++;
            ref var entry = ref _entries[slot];
            entry.Address = neighbor.Address;
            entry.Mac = neighbor.Mac;
            entry.Interface = neighbor.InterfaceIndex;
            entry.State = NeighborState.Permanent;
            _slots.Add(entry.Address, slot);
        }
        _firstLearnedSlot = _highWater;
        ReachableTime = DrawReachableTime();
    }

    /// <summary>Frames dropped because their next hop never answered ARP, or because too many were waiting.</summary>
    public long UnresolvedDrops { get; private set; }

    /// <summary>ARP requests sent, broadcast and unicast.</summary>
    public long RequestsSent { get; private set; }

    /// <summary>Of <see cref="RequestsSent"/>, the unicast re-probes of a kept MAC.</summary>
    public long UnicastProbesSent { get; private set; }

    /// <summary>Entries that went from a valid state to FAILED: re-probes that no one answered.</summary>
    public long FailedProbes { get; private set; }

    /// <summary>Entries removed by the stale-entry collection (or to make room).</summary>
    public long Collected { get; private set; }

    public int LearnedCount { get; private set; }

    /// <summary>How long a confirmation keeps an entry REACHABLE now (drawn in [base/2, 3·base/2), again every 300 s).</summary>
    public long ReachableTime { get; private set; }

    public NeighborTimings Timings => _timings;

    /// <summary>
    /// The next hop toward <paramref name="destination"/>: the host itself when on one of our links, else
    /// the default gateway; and the interface it is reached by. False when there is no route.
    /// </summary>
    public bool TryRoute(uint destination, out uint nextHop, out int interfaceIndex)
    {
        if (_topology.FindOnLinkInterface(destination) is { } link)
        {
            nextHop = destination;
            interfaceIndex = link.Index;
            return true;
        }
        if (_topology.DefaultGateway is { } gateway && _topology.FindOnLinkInterface(gateway.Value) is { } gatewayLink)
        {
            nextHop = gateway.Value;
            interfaceIndex = gatewayLink.Index;
            return true;
        }
        nextHop = 0;
        interfaceIndex = -1;
        return false;
    }

    /// <summary>
    /// As <see cref="TryRoute(uint, out uint, out int)"/> for either family: an IPv6 destination is on-link inside an
    /// interface's IPv6 prefix, else reached through the IPv6 default gateway.
    /// </summary>
    public bool TryRoute(InetAddress destination, out InetAddress nextHop, out int interfaceIndex)
    {
        if (destination.IsIpv4)
        {
            var routed = TryRoute(destination.Ipv4Value, out var nextHop4, out interfaceIndex);
            nextHop = InetAddress.FromIpv4(nextHop4);
            return routed;
        }
        if (_topology.FindOnLinkInterface(destination) is { } link)
        {
            nextHop = destination;
            interfaceIndex = link.Index;
            return true;
        }
        if (_topology.DefaultGateway6 is { } gateway && _topology.FindOnLinkInterface(gateway) is { } gatewayLink)
        {
            nextHop = gateway;
            interfaceIndex = gatewayLink.Index;
            return true;
        }
        nextHop = default;
        interfaceIndex = -1;
        return false;
    }

    /// <summary>The state of <paramref name="address"/>'s entry and its MAC, without using it (listings, tests).</summary>
    public NeighborState StateOf(InetAddress address, out MacAddress mac)
    {
        if (_slots.TryGetValue(address, out var slot))
        {
            mac = _entries[slot].Mac;
            return _entries[slot].State;
        }
        mac = MacAddress.Zero;
        return NeighborState.None;
    }

    /// <summary>A frame is about to go to <paramref name="address"/>: its MAC when one may be used now (a use, as a packet's).</summary>
    public bool TryGetMac(InetAddress address, out MacAddress mac) => TryUse(address, out mac, out _);

    /// <summary>
    /// As <see cref="TryGetMac"/>, also giving the entry's handle for <see cref="TryUseCached"/>. A STALE entry used
    /// moves to DELAY (as __neigh_event_send); an INCOMPLETE or FAILED one, or none, gives no MAC: the frame must be held.
    /// </summary>
    public bool TryUse(InetAddress address, out MacAddress mac, out NeighborHandle handle)
    {
        if (!_slots.TryGetValue(address, out var slot))
        {
            mac = MacAddress.Zero;
            handle = default;
            return false;
        }
        ref var entry = ref _entries[slot];
        // A slot past what a handle holds is served by address each time (a table that large is never built by default).
        handle = slot <= NeighborHandle.MaximumSlot ? new NeighborHandle(slot, entry.Generation) : default;
        mac = entry.Mac;
        switch (entry.State)
        {
            case NeighborState.Permanent:
            case NeighborState.Reachable:
                return true;
            case NeighborState.Delay:
            case NeighborState.Probe:
                entry.Used = _now;
                return true;
            case NeighborState.Stale:
                entry.Used = _now;
                entry.State = NeighborState.Delay;
                entry.Updated = _now;
                Arm(ref entry, _now + _timings.DelayFirstProbeTime);
                return true;
            default:
                mac = MacAddress.Zero;
                return false;
        }
    }

    /// <summary>A handle to <paramref name="address"/>'s entry as it is now, using nothing (default when there is none).</summary>
    public NeighborHandle HandleOf(InetAddress address) =>
        _slots.TryGetValue(address, out var slot) && slot <= NeighborHandle.MaximumSlot
            ? new NeighborHandle(slot, _entries[slot].Generation)
            : default;

    /// <summary>
    /// True when <paramref name="handle"/> still names its entry and that entry is PERMANENT or REACHABLE: the states
    /// in which using it (<see cref="TryUse"/>) changes nothing, so a caller may take the handle without that step.
    /// </summary>
    public bool IsSettled(NeighborHandle handle)
    {
        var entries = _entries;
        if ((uint)handle.Slot >= (uint)entries.Length)
        {
            return false;
        }
        ref readonly var entry = ref entries[handle.Slot];
        return entry.Generation == handle.Generation && entry.State is NeighborState.Reachable or NeighborState.Permanent;
    }

    /// <summary>
    /// The per-packet path: the MAC of the entry <paramref name="handle"/> names, when it is still that entry and
    /// in a state whose MAC is used without any step (PERMANENT, REACHABLE, DELAY, PROBE). False sends the caller
    /// to <see cref="TryUse"/>. Reads one entry, writes nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryUseCached(NeighborHandle handle, out MacAddress mac)
    {
        var entries = _entries;
        if ((uint)handle.Slot < (uint)entries.Length)
        {
            ref readonly var entry = ref entries[handle.Slot];
            if (entry.Generation == handle.Generation && entry.State >= NeighborState.Reachable &&
                entry.State != NeighborState.Stale && entry.State != NeighborState.Failed)
            {
                mac = entry.Mac;
                return true;
            }
        }
        mac = MacAddress.Zero;
        return false;
    }

    /// <summary>
    /// Keeps a ready frame (all but its Ethernet header) until <paramref name="nextHop"/> answers ARP, starting a
    /// resolution unless one is under way. False when it had to be dropped.
    /// </summary>
    public bool Hold(InetAddress nextHop, int interfaceIndex, ReadOnlySpan<byte> frame, long now, OutputBatch output)
    {
        SetClock(now);
        if (!_slots.TryGetValue(nextHop, out var slot))
        {
            slot = Create(nextHop, interfaceIndex);
            if (slot < 0)
            {
                UnresolvedDrops++;
                return false;
            }
        }
        ref var entry = ref _entries[slot];
        if (entry.State is NeighborState.None or NeighborState.Failed)
        {
            // As __neigh_event_send from NONE or FAILED: INCOMPLETE, its probe count set past the unicast ones so
            // that every request is a broadcast, the first sent now.
            entry.State = NeighborState.Incomplete;
            entry.Updated = now;
            entry.Used = now;
            entry.Probes = _timings.UcastSolicit;
            entry.ProbingSince = now;
            Arm(ref entry, now + _timings.RetransTime);
            SendProbe(slot, output);
        }
        else if (entry.State != NeighborState.Incomplete)
        {
            // Resolved meanwhile (a caller that looked before an answer came): nothing to wait for.
            return SendNow(slot, frame, output);
        }
        var held = _held[slot] ??= new List<byte[]>();
        if (_heldFrames >= MaximumHeldFrames || held.Count >= MaximumHeldPerAddress)
        {
            UnresolvedDrops++;
            return false;
        }
        held.Add(frame.ToArray());
        _heldFrames++;
        return true;
    }

    /// <summary>
    /// Records a confirmed MAC, as an ARP reply to us does (creating the entry when there is none): REACHABLE, and
    /// frames waiting for it are sent.
    /// </summary>
    public void Learn(InetAddress address, MacAddress mac, int interfaceIndex, OutputBatch output)
    {
        if (!IsUsableMac(mac))
        {
            return;
        }
        if (!_slots.TryGetValue(address, out var slot))
        {
            slot = Create(address, interfaceIndex);
            if (slot < 0)
            {
                return;
            }
        }
        Update(slot, mac, NeighborState.Reachable, overrideMac: true, output);
    }

    /// <summary>
    /// What an ARP packet from <paramref name="sender"/> tells, as arp_process: a request for one of our addresses
    /// creates or updates its entry (STALE, its MAC taken); any other ARP updates only an entry that exists, to
    /// REACHABLE when it is a reply unicast to us, else STALE; a changed MAC is taken unless the entry changed
    /// within locktime, and always from a gratuitous ARP.
    /// </summary>
    public void OnArp(InetAddress sender, MacAddress mac, int interfaceIndex, bool requestForUs, bool unicastReplyToUs, bool gratuitous, long now, OutputBatch output)
    {
        SetClock(now);
        if (!IsUsableMac(mac))
        {
            return;
        }
        if (!_slots.TryGetValue(sender, out var slot))
        {
            if (!requestForUs)
            {
                // arp_accept is 0: unsolicited ARP creates no entry.
                return;
            }
            slot = Create(sender, interfaceIndex);
            if (slot < 0)
            {
                return;
            }
        }
        var state = unicastReplyToUs && !requestForUs ? NeighborState.Reachable : NeighborState.Stale;
        var overrideMac = requestForUs || gratuitous || now > _entries[slot].Updated + _timings.LockTime;
        Update(slot, mac, state, overrideMac, output);
    }

    /// <summary>
    /// What a Neighbour Advertisement for <paramref name="target"/> tells, as ndisc_recv_na: only an entry that exists
    /// is updated (REACHABLE when solicited, else STALE); a different MAC is taken only with the Override flag (or by an
    /// entry that had none); without a target link-layer address option the kept MAC is confirmed, if there is one.
    /// </summary>
    public void OnAdvertisement(InetAddress target, MacAddress? mac, bool solicited, bool overrideFlag, long now, OutputBatch output)
    {
        SetClock(now);
        if (!_slots.TryGetValue(target, out var slot))
        {
            return;
        }
        ref var entry = ref _entries[slot];
        if (mac is null && !IsValid(entry.State))
        {
            return;
        }
        var advertised = mac ?? entry.Mac;
        if (!IsUsableMac(advertised))
        {
            return;
        }
        Update(slot, advertised, solicited ? NeighborState.Reachable : NeighborState.Stale, overrideFlag, output);
    }

    /// <summary>The neighbour timers up to <paramref name="now"/>: state changes, requests, giving up, collection.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Tick(long now, OutputBatch output)
    {
        // Every frame asks: once the clock has started, a frame before the next timer only moves the clock on.
        if (_nextPeriodic != long.MinValue && now < _nextTimer)
        {
            if (now > _now)
            {
                _now = now;
            }
            return;
        }
        RunDueTimers(now, output);
    }

    private void RunDueTimers(long now, OutputBatch output)
    {
        SetClock(now);
        if (now < _nextTimer)
        {
            return;
        }
        RunTimers(now, output);
    }

    private void SetClock(long now)
    {
        if (now > _now)
        {
            _now = now;
        }
        if (_nextPeriodic == long.MinValue)
        {
            // The clock starts with the first frame (a capture's time, or the wall clock's).
            _nextPeriodic = now + (_timings.BaseReachableTime / 2);
            _nextRedraw = now + _timings.ReachableRedraw;
            _nextTimer = Math.Min(_nextTimer, _nextPeriodic);
        }
    }

    private void RunTimers(long now, OutputBatch output)
    {
        if (now >= _nextPeriodic)
        {
            Periodic(now);
        }
        var next = _nextPeriodic;
        for (var slot = _firstLearnedSlot; slot < _highWater; slot++)
        {
            ref var entry = ref _entries[slot];
            if (!HasTimer(entry.State))
            {
                continue;
            }
            if (entry.TimerAt <= now)
            {
                Fire(slot, now, output);
            }
            if (HasTimer(entry.State) && entry.TimerAt < next)
            {
                next = entry.TimerAt;
            }
        }
        _nextTimer = next;
    }

    /// <summary>One entry's timer, as neigh_timer_handler.</summary>
    private void Fire(int slot, long now, OutputBatch output)
    {
        ref var entry = ref _entries[slot];
        long next;
        switch (entry.State)
        {
            case NeighborState.Reachable:
                if (now <= entry.Confirmed + ReachableTime)
                {
                    next = entry.Confirmed + ReachableTime;
                }
                else if (now <= entry.Used + _timings.DelayFirstProbeTime)
                {
                    entry.State = NeighborState.Delay;
                    entry.Updated = now;
                    next = now + _timings.DelayFirstProbeTime;
                }
                else
                {
                    entry.State = NeighborState.Stale;
                    entry.Updated = now;
                    return;
                }
                break;
            case NeighborState.Delay:
                if (now <= entry.Confirmed + _timings.DelayFirstProbeTime)
                {
                    entry.State = NeighborState.Reachable;
                    entry.Updated = now;
                    next = entry.Confirmed + ReachableTime;
                }
                else
                {
                    entry.State = NeighborState.Probe;
                    entry.Updated = now;
                    entry.Probes = 0;
                    entry.ProbingSince = now;
                    next = now + _timings.RetransTime;
                }
                break;
            default:
                // The next request, or the moment the resolution runs out of time, whichever is sooner.
                next = Math.Min(now + _timings.RetransTime, entry.ProbingSince + (ProbeBudget(in entry) * _timings.RetransTime));
                break;
        }
        if (entry.State is NeighborState.Incomplete or NeighborState.Probe && OutOfProbes(in entry, now))
        {
            Fail(slot);
            return;
        }
        entry.TimerAt = Math.Max(next, now + 1);
        if (entry.State is NeighborState.Incomplete or NeighborState.Probe)
        {
            SendProbe(slot, output);
        }
    }

    /// <summary>
    /// As neigh_max_probes: ucast + mcast_solicit requests for a resolution (which starts past the unicast ones),
    /// ucast + mcast_resolicit for a re-probe. Measured also by time from the first request, so a clock that jumps
    /// (an idle capture) gives up on time rather than asking late.
    /// </summary>
    private bool OutOfProbes(in NeighborEntry entry, long now)
    {
        var maximum = _timings.UcastSolicit + (entry.State == NeighborState.Incomplete ? _timings.McastSolicit : _timings.McastResolicit);
        return entry.Probes >= maximum || now - entry.ProbingSince >= ProbeBudget(in entry) * _timings.RetransTime;
    }

    /// <summary>How many requests the current resolution (mcast_solicit) or re-probe (ucast + mcast_resolicit) sends.</summary>
    private int ProbeBudget(in NeighborEntry entry) =>
        entry.State == NeighborState.Incomplete ? _timings.McastSolicit : _timings.UcastSolicit + _timings.McastResolicit;

    /// <summary>No answer: FAILED, and what waited is dropped (neigh_invalidate).</summary>
    private void Fail(int slot)
    {
        ref var entry = ref _entries[slot];
        if (entry.State == NeighborState.Probe)
        {
            FailedProbes++;
        }
        entry.State = NeighborState.Failed;
        entry.Updated = _now;
        if (_held[slot] is { Count: > 0 } held)
        {
            UnresolvedDrops += held.Count;
            _heldFrames -= held.Count;
            held.Clear();
        }
    }

    /// <summary>
    /// The periodic work (every base_reachable_time/2, as neigh_periodic_work): a new reachable time every 300 s,
    /// and, once the table holds gc_thresh1 learned entries, stale and failed ones unused for gc_stale_time go.
    /// </summary>
    private void Periodic(long now)
    {
        _nextPeriodic = now + (_timings.BaseReachableTime / 2);
        if (now >= _nextRedraw)
        {
            ReachableTime = DrawReachableTime();
            _nextRedraw = now + _timings.ReachableRedraw;
        }
        if (LearnedCount < _timings.GcThreshold)
        {
            return;
        }
        for (var slot = _firstLearnedSlot; slot < _highWater; slot++)
        {
            ref var entry = ref _entries[slot];
            if (entry.State is not (NeighborState.Stale or NeighborState.Failed))
            {
                continue;
            }
            if (entry.Used < entry.Confirmed)
            {
                entry.Used = entry.Confirmed;
            }
            if (entry.State == NeighborState.Failed || now > entry.Used + _timings.GcStaleTime)
            {
                Free(slot);
            }
        }
    }

    /// <summary>
    /// As neigh_update for what ARP says: a valid entry keeps its MAC against a different one unless
    /// <paramref name="overrideMac"/>; the same MAC reported as STALE changes nothing; a change of MAC to an entry
    /// that is not confirmed leaves it unconfirmed; frames waiting for an entry that becomes valid are sent.
    /// </summary>
    private void Update(int slot, MacAddress mac, NeighborState state, bool overrideMac, OutputBatch output)
    {
        ref var entry = ref _entries[slot];
        var old = entry.State;
        if (old == NeighborState.Permanent)
        {
            return;
        }
        var wasValid = IsValid(old);
        if (state == NeighborState.Reachable)
        {
            entry.Confirmed = _now;
        }
        var macChanges = !wasValid || mac != entry.Mac;
        if (wasValid)
        {
            if (mac != entry.Mac && !overrideMac)
            {
                return;
            }
            if (mac == entry.Mac && state == NeighborState.Stale)
            {
                state = old;
            }
        }
        if (state != old || macChanges)
        {
            entry.Updated = _now;
        }
        if (state != old)
        {
            entry.State = state;
            if (state == NeighborState.Reachable)
            {
                Arm(ref entry, _now + ReachableTime);
            }
        }
        if (macChanges)
        {
            entry.Mac = mac;
            if (state != NeighborState.Reachable)
            {
                entry.Confirmed = _now - (2 * _timings.BaseReachableTime);
            }
        }
        if (!wasValid && _held[slot] is { Count: > 0 } held)
        {
            foreach (var frame in held)
            {
                SendNow(slot, frame, output);
            }
            _heldFrames -= held.Count;
            held.Clear();
        }
    }

    /// <summary>A held frame, addressed now: its one Ethernet header, now that its next hop is known.</summary>
    private bool SendNow(int slot, ReadOnlySpan<byte> frame, OutputBatch output)
    {
        ref var entry = ref _entries[slot];
        var sent = output.Add(entry.Interface, frame.Length);
        if (sent.IsEmpty)
        {
            UnresolvedDrops++;
            return false;
        }
        frame.CopyTo(sent);
        EthernetHeader.Write(sent, entry.Mac, _topology.Interfaces[entry.Interface].Mac);
        return true;
    }

    /// <summary>
    /// One request, as arp_solicit: unicast to the kept MAC while the probe count is below ucast_solicit (a re-probe),
    /// broadcast after; from our address on the link, the target's hardware address left zero.
    /// </summary>
    private void SendProbe(int slot, OutputBatch output)
    {
        ref var entry = ref _entries[slot];
        var unicast = entry.Probes < _timings.UcastSolicit;
        entry.Probes++;
        var link = _topology.Interfaces[entry.Interface];
        if (entry.Address.IsIpv6)
        {
            // As ndisc_solicit: unicast to the target while re-probing, else to its solicited-node group.
            var solicitation = output.Add(link.Index, Icmpv6Messages.SolicitationFrameLength);
            if (solicitation.IsEmpty)
            {
                return;
            }
            var group = Icmpv6Messages.SolicitedNode(entry.Address);
            Icmpv6Messages.WriteSolicitation(solicitation, unicast ? entry.Mac : Icmpv6Messages.MulticastMac(group), link.Mac,
                link.Ipv6SourceFor(entry.Address), unicast ? entry.Address : group, entry.Address);
        }
        else
        {
            var request = output.Add(link.Index, ArpFrames.FrameLength);
            if (request.IsEmpty)
            {
                return;
            }
            ArpFrames.Write(request, FrameLayout.ArpRequest, unicast ? entry.Mac : MacAddress.Broadcast, link.Mac, link.Address.Value, MacAddress.Zero, entry.Address.Ipv4Value);
        }
        RequestsSent++;
        if (unicast)
        {
            UnicastProbesSent++;
        }
    }

    private int Create(InetAddress address, int interfaceIndex)
    {
        if (_free.Count == 0 && _highWater == _entries.Length && !MakeRoom())
        {
            return -1;
        }
        var slot = _free.Count > 0 ? _free.Pop() : _highWater++;
        ref var entry = ref _entries[slot];
        entry.Address = address;
        entry.Mac = MacAddress.Zero;
        entry.Interface = interfaceIndex;
        entry.State = NeighborState.None;
        entry.Used = entry.Updated = _now;
        entry.Confirmed = _now - (2 * _timings.BaseReachableTime);
        entry.Probes = 0;
        _slots.Add(address, slot);
        LearnedCount++;
        return slot;
    }

    /// <summary>Full: as the kernel's forced collection, the stale or failed entry unused longest makes room; else none.</summary>
    private bool MakeRoom()
    {
        var oldest = -1;
        for (var slot = _firstLearnedSlot; slot < _highWater; slot++)
        {
            ref var entry = ref _entries[slot];
            if (entry.State is NeighborState.Stale or NeighborState.Failed && (oldest < 0 || entry.Used < _entries[oldest].Used))
            {
                oldest = slot;
            }
        }
        if (oldest < 0)
        {
            return false;
        }
        Free(oldest);
        return true;
    }

    private void Free(int slot)
    {
        ref var entry = ref _entries[slot];
        _slots.Remove(entry.Address);
        var generation = entry.Generation + 1;
        entry = default;
        // A connection's handle to the old entry no longer matches (0 is never a live generation).
        entry.Generation = generation > NeighborHandle.MaximumGeneration ? 1 : generation;
        _held[slot]?.Clear();
        _free.Push(slot);
        LearnedCount--;
        Collected++;
    }

    private void Arm(ref NeighborEntry entry, long at)
    {
        entry.TimerAt = at;
        if (at < _nextTimer)
        {
            _nextTimer = at;
        }
    }

    /// <summary>neigh_rand_reach_time: uniformly in [base/2, 3·base/2), from the table's own generator so replays repeat.</summary>
    private long DrawReachableTime()
    {
        // xorshift64*
        _random ^= _random >> 12;
        _random ^= _random << 25;
        _random ^= _random >> 27;
        var value = _random * 0x2545_F491_4F6C_DD1DUL;
        var span = (ulong)_timings.BaseReachableTime;
        return span == 0 ? 0 : (long)(value % span) + (_timings.BaseReachableTime / 2);
    }

    private static bool HasTimer(NeighborState state) =>
        state is NeighborState.Incomplete or NeighborState.Reachable or NeighborState.Delay or NeighborState.Probe;

    /// <summary>NUD_VALID: a MAC is kept.</summary>
    private static bool IsValid(NeighborState state) =>
        state is NeighborState.Reachable or NeighborState.Stale or NeighborState.Delay or NeighborState.Probe or NeighborState.Permanent;

    private static bool IsUsableMac(MacAddress mac) => mac != MacAddress.Zero && mac != MacAddress.Broadcast;
}
