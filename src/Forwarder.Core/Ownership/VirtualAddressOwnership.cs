using System.Runtime.CompilerServices;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Ownership;

/// <summary>
/// Which of the addresses it serves the director owns right now: only for those does it answer ARP and ICMP echo and
/// forward. A standalone director owns every service address (<see cref="OwnsEveryServiceAddress"/>, the default, and
/// the behaviour before ownership existed). A director of a VRRP pair starts owning none, and keepalived's notify
/// scripts move addresses with <see cref="Take"/> and <see cref="Release"/>: the virtual addresses and, in NAT mode, the
/// real servers' gateway address, which is owned on the private link. An address is owned on the private link when it
/// lies in the private interface's subnet, on the public link otherwise. A take is announced with gratuitous ARP, or
/// for an IPv6 address with unsolicited Neighbour Advertisements (keepalived's vrrp_ndisc, on the same garp settings),
/// on the <see cref="GratuitousArpSchedule"/>, queued here and sent by <see cref="Tick"/> on the engine's clock.
/// Touched only from the engine's thread; the per-frame questions allocate nothing.
/// </summary>
public sealed class VirtualAddressOwnership
{
    private readonly DirectorTopology _topology;
    private readonly ServiceTable _services;
    private readonly GratuitousArpSchedule _schedule;
    private readonly Dictionary<InetAddress, int> _taken = new();
    private readonly List<Announcement> _announcements = new();

    public VirtualAddressOwnership(DirectorTopology topology, ServiceTable services, bool ownsEveryServiceAddress = true, GratuitousArpSchedule? schedule = null)
    {
        _topology = topology;
        _services = services;
        _schedule = schedule ?? GratuitousArpSchedule.KeepalivedDefault;
        OwnsEveryServiceAddress = ownsEveryServiceAddress;
    }

    /// <summary>Every service's virtual address is owned, whatever services come and go (a standalone director).</summary>
    public bool OwnsEveryServiceAddress { get; private set; }

    /// <summary>Gratuitous ARP frames sent so far.</summary>
    public long GratuitousArpsSent { get; private set; }

    /// <summary>Unsolicited Neighbour Advertisements sent so far (the IPv6 addresses' announcements).</summary>
    public long UnsolicitedAdvertisementsSent { get; private set; }

    /// <summary>The addresses taken explicitly, IPv4 first, each family lowest first.</summary>
    public IReadOnlyList<OwnedAddress> Taken => _taken.OrderBy(t => t.Key).Select(t => new OwnedAddress(t.Key, t.Value, _topology.Interfaces[t.Value].Name)).ToList();

    /// <summary>Whether packets for this IPv4 service address are ours to answer and forward.</summary>
    public bool OwnsServiceAddress(uint address) => OwnsEveryServiceAddress || _taken.ContainsKey(InetAddress.FromIpv4(address));

    /// <summary>As <see cref="OwnsServiceAddress(uint)"/>, for either family: the ND responder answers an IPv6 VIP's solicitations only while this holds.</summary>
    public bool OwnsServiceAddress(InetAddress address) => OwnsEveryServiceAddress || _taken.ContainsKey(address);

    /// <summary>Whether the director answers for <paramref name="address"/> on <paramref name="interfaceIndex"/> as its owner.</summary>
    public bool Answers(uint address, int interfaceIndex) => Answers(InetAddress.FromIpv4(address), interfaceIndex);

    /// <summary>As <see cref="Answers(uint, int)"/>, for either family (ARP for IPv4, Neighbour Solicitations for IPv6).</summary>
    public bool Answers(InetAddress address, int interfaceIndex)
    {
        if (_taken.TryGetValue(address, out var link))
        {
            return link == interfaceIndex;
        }
        return OwnsEveryServiceAddress && _topology.Interfaces[interfaceIndex].Role == InterfaceRole.Public && _services.HasVirtualAddress(address);
    }

    /// <summary>The interface an address is owned on: the private one for its subnet (IPv4 or IPv6), the public one for anything else.</summary>
    public int InterfaceFor(InetAddress address) =>
        _topology.Private.Role == InterfaceRole.Private &&
        (address.IsIpv4 ? _topology.Private.IsOnLink(new Ipv4Address(address.Ipv4Value)) : _topology.Private.IsOnLinkIpv6(address))
            ? _topology.Private.Index : _topology.Public.Index;

    /// <inheritdoc cref="Take(IReadOnlyList{InetAddress}, long)"/>
    public void Take(IReadOnlyList<uint> addresses, long now) => Take(addresses.Select(InetAddress.FromIpv4).ToList(), now);

    /// <inheritdoc cref="Release(IReadOnlyList{InetAddress})"/>
    public void Release(IReadOnlyList<uint> addresses) => Release(addresses.Select(InetAddress.FromIpv4).ToList());

    /// <summary>
    /// Takes the addresses (already owned ones too, as keepalived announces again on every transition to MASTER) and queues
    /// their announcements from <paramref name="now"/>. Refuses, changing nothing, an address the director's interfaces
    /// hold themselves (the kernel owns and announces those).
    /// </summary>
    public void Take(IReadOnlyList<InetAddress> addresses, long now)
    {
        foreach (var address in addresses)
        {
            if (_topology.IsOwnAddress(address))
            {
                throw new ArgumentException($"{address} is an address of the director's own interfaces, not one to take");
            }
        }
        foreach (var address in addresses)
        {
            var link = InterfaceFor(address);
            _taken[address] = link;
            _announcements.RemoveAll(a => a.Address == address);
            _announcements.Add(new Announcement(address, link, now, _schedule.Rounds));
        }
    }

    /// <summary>
    /// Gives the addresses up: no more answers, no more forwarding for them, their pending announcements dropped. A director
    /// that owned every service address owns from now on only those it did, less these (a later service is not owned).
    /// </summary>
    public void Release(IReadOnlyList<InetAddress> addresses)
    {
        if (OwnsEveryServiceAddress)
        {
            foreach (var service in _services.Services)
            {
                // A firewall-mark service has no address of its own.
                if (!service.Key.IsFirewallMark)
                {
                    _taken.TryAdd(service.Address, InterfaceFor(service.Address));
                }
            }
            OwnsEveryServiceAddress = false;
        }
        foreach (var address in addresses)
        {
            _taken.Remove(address);
            _announcements.RemoveAll(a => a.Address == address);
        }
    }

    /// <summary>Sends the gratuitous ARP and advertisements that are due by <paramref name="now"/>, as far as the batch has room.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Tick(long now, OutputBatch output)
    {
        // Announcements run only for a few seconds after an address is taken: most frames find none.
        if (_announcements.Count != 0)
        {
            Announce(now, output);
        }
    }

    private void Announce(long now, OutputBatch output)
    {
        for (var i = _announcements.Count - 1; i >= 0; i--)
        {
            var announcement = _announcements[i];
            if (announcement.Due > now)
            {
                continue;
            }
            var ipv6 = announcement.Address.IsIpv6;
            var length = ipv6 ? Icmpv6Messages.AdvertisementFrameLength : ArpFrames.FrameLength;
            if (!output.HasRoomFor(_schedule.FramesPerRound, _schedule.FramesPerRound * length))
            {
                return; // the round goes whole with a later tick
            }
            var mac = _topology.Interfaces[announcement.InterfaceIndex].Mac;
            for (var frame = 0; frame < _schedule.FramesPerRound; frame++)
            {
                var span = output.Add(announcement.InterfaceIndex, length);
                if (ipv6)
                {
                    WriteUnsolicitedAdvertisement(span, mac, announcement.Address);
                    UnsolicitedAdvertisementsSent++;
                }
                else
                {
                    WriteGratuitousArp(span, mac, announcement.Address.Ipv4Value);
                    GratuitousArpsSent++;
                }
            }
            if (announcement.RoundsLeft <= 1)
            {
                _announcements.RemoveAt(i);
            }
            else
            {
                _announcements[i] = announcement with { Due = announcement.Due + _schedule.RoundSpacingMicroseconds, RoundsLeft = announcement.RoundsLeft - 1 };
            }
        }
    }

    /// <summary>
    /// As keepalived's vrrp_arp: a broadcast ARP request from the owner's MAC whose sender and target address are both the
    /// address announced and whose target MAC is all ones. Linux's arp_process takes sender == target as gratuitous and
    /// overrides the neighbour's MAC at once, whatever its locktime.
    /// </summary>
    public static void WriteGratuitousArp(Span<byte> frame, MacAddress ownerMac, uint address) =>
        ArpFrames.Write(frame, FrameLayout.ArpRequest, MacAddress.Broadcast, ownerMac, address, MacAddress.Broadcast, address);

    /// <summary>
    /// As keepalived's ndisc_send_unsolicited_na: from the owner's MAC to 33:33:00:00:00:01, from the address itself to
    /// all nodes (ff02::1), hop limit 255, a Neighbour Advertisement for the address with Override set, Solicited clear,
    /// and the owner's MAC in the target link-layer address option. Router is clear, as keepalived sends it on a host
    /// whose IPv6 forwarding is off (the live director turns it off: the engine forwards, not the kernel). Linux's
    /// ndisc_recv_na takes Override as leave to replace the MAC it has for the address at once.
    /// </summary>
    public static void WriteUnsolicitedAdvertisement(Span<byte> frame, MacAddress ownerMac, InetAddress address) =>
        Icmpv6Messages.WriteAdvertisement(frame, MacAddress.Broadcast, ownerMac, address, InetAddress.FromIpv6(0, 0));

    private readonly record struct Announcement(InetAddress Address, int InterfaceIndex, long Due, int RoundsLeft);
}
