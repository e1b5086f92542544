using System.Runtime.CompilerServices;
using Forwarder.Core.Frames;

namespace Forwarder.Core.Masquerading;

/// <summary>
/// Source NAT for what the real servers send that belongs to no virtual service (the seed's
/// <c>iptables -t nat -A POSTROUTING -s 192.168.139.0/24 -j MASQUERADE</c>): each flow gets a port of the
/// director's public address, kept when free (as netfilter keeps the source port), else the next free one
/// of the range. Timeouts follow netfilter's conntrack in outline: unanswered flows and closing TCP flows
/// go soon, answered ones live long. Bounded; a full table refuses new flows.
/// </summary>
public sealed class MasqueradeTable
{
    public const ushort FirstPort = 32768;
    public const ushort LastPort = 60999;
    public const int DefaultMaximum = 65536;

    private const long Second = 1_000_000;
    private readonly Dictionary<(byte, InetAddress, ushort, InetAddress, ushort), int> _byInside = new();
    private readonly Dictionary<(byte, InetAddress, ushort, ushort), int> _byRemote = new();
    private readonly Stack<int> _free = new();
    private MasqueradeEntry[] _entries = new MasqueradeEntry[64];
    private int _highWater;
    private ushort _nextPort = FirstPort;
    private readonly Func<byte, ushort, bool> _isPortReserved;
    private long _nextSweep;

    /// <param name="isPortReserved">Ports of the public address that are not ours to give (virtual services on it), by protocol.</param>
    public MasqueradeTable(Func<byte, ushort, bool> isPortReserved, int maximum = DefaultMaximum)
    {
        _isPortReserved = isPortReserved;
        Maximum = maximum;
    }

    public int Maximum { get; }

    public int Count => _byInside.Count;

    public ref MasqueradeEntry this[int slot] => ref _entries[slot];

    /// <summary>The entry of an outgoing packet from an inside host, created when new; -1 when the table or the port range is full.</summary>
    public int FindOrAddOutgoing(byte protocol, InetAddress inside, ushort insidePort, InetAddress remote, ushort remotePort, long now)
    {
        if (_byInside.TryGetValue((protocol, inside, insidePort, remote, remotePort), out var slot))
        {
            if (_entries[slot].ExpiresAt > now)
            {
                return slot;
            }
            Remove(slot);
        }
        if (Count >= Maximum || !TryChoosePort(protocol, insidePort, remote, remotePort, out var publicPort))
        {
            return -1;
        }
        slot = _free.Count > 0 ? _free.Pop() : NextSlot();
        _entries[slot] = new MasqueradeEntry
        {
            Protocol = protocol,
            InsideAddress = inside,
            InsidePort = insidePort,
            RemoteAddress = remote,
            RemotePort = remotePort,
            PublicPort = publicPort,
            InUse = true,
        };
        _byInside.Add((protocol, inside, insidePort, remote, remotePort), slot);
        _byRemote.Add((protocol, remote, remotePort, publicPort), slot);
        return slot;
    }

    /// <summary>The entry a reply from <paramref name="remote"/> to our public <paramref name="publicPort"/> belongs to, or -1.</summary>
    public int FindIncoming(byte protocol, InetAddress remote, ushort remotePort, ushort publicPort, long now)
    {
        if (!_byRemote.TryGetValue((protocol, remote, remotePort, publicPort), out var slot))
        {
            return -1;
        }
        if (_entries[slot].ExpiresAt > now)
        {
            return slot;
        }
        Remove(slot);
        return -1;
    }

    /// <summary>Renews an entry after a packet: TCP flags (0 for UDP and ICMP) and direction decide its next timeout.</summary>
    public void Touch(int slot, bool reply, byte tcpFlags, long now)
    {
        ref var entry = ref _entries[slot];
        entry.SeenReply |= reply;
        if ((tcpFlags & (FrameLayout.TcpFin | FrameLayout.TcpRst)) != 0)
        {
            entry.Closing = true;
        }
        entry.ExpiresAt = now + (TimeoutSeconds(entry, tcpFlags) * Second);
    }

    /// <summary>Drops expired entries, at most once a second of engine time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Sweep(long now)
    {
        if (now < _nextSweep)
        {
            return;
        }
        SweepNow(now);
    }

    private void SweepNow(long now)
    {
        _nextSweep = now + Second;
        for (var slot = 0; slot < _highWater; slot++)
        {
            if (_entries[slot].InUse && _entries[slot].ExpiresAt <= now)
            {
                Remove(slot);
            }
        }
    }

    private static long TimeoutSeconds(in MasqueradeEntry entry, byte tcpFlags) => entry.Protocol switch
    {
        FrameLayout.ProtocolTcp when (tcpFlags & FrameLayout.TcpRst) != 0 => 10,
        FrameLayout.ProtocolTcp when entry.Closing => 120,
        FrameLayout.ProtocolTcp => entry.SeenReply ? 432_000 : 120,
        FrameLayout.ProtocolUdp => entry.SeenReply ? 180 : 30,
        _ => 30,
    };

    private bool TryChoosePort(byte protocol, ushort insidePort, InetAddress remote, ushort remotePort, out ushort port)
    {
        if (!_byRemote.ContainsKey((protocol, remote, remotePort, insidePort)) && !_isPortReserved(protocol, insidePort))
        {
            port = insidePort;
            return true;
        }
        for (var attempt = 0; attempt <= LastPort - FirstPort; attempt++)
        {
            port = _nextPort;
            _nextPort = _nextPort == LastPort ? FirstPort : (ushort)(_nextPort + 1);
            if (!_byRemote.ContainsKey((protocol, remote, remotePort, port)) && !_isPortReserved(protocol, port))
            {
                return true;
            }
        }
        port = 0;
        return false;
    }

    private int NextSlot()
    {
        if (_highWater == _entries.Length)
        {
            Array.Resize(ref _entries, Math.Min(_entries.Length * 2, Maximum));
        }
        return _highWater++;
    }

    private void Remove(int slot)
    {
        ref var entry = ref _entries[slot];
        _byInside.Remove((entry.Protocol, entry.InsideAddress, entry.InsidePort, entry.RemoteAddress, entry.RemotePort));
        _byRemote.Remove((entry.Protocol, entry.RemoteAddress, entry.RemotePort, entry.PublicPort));
        entry = default;
        _free.Push(slot);
    }
}
