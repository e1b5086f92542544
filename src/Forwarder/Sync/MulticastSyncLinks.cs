using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Forwarder.Core.Engine;
using Forwarder.Core.Services;
using Forwarder.Core.Sync;
using Forwarder.Ipvsadm.Control;

namespace Forwarder.Sync;

/// <summary>
/// The live director's sync traffic, over the host's own UDP sockets on the sync interface, as the kernel's daemons use
/// kernel UDP sockets: the host stack owns the interfaces' addresses (the director captures only frames for its MAC and
/// virtual addresses), so multicast to 224.0.0.81:8848 goes in and out through it, IGMP and all, and needs nothing of
/// the engine's frame path. A master's socket is connected to the group, bound to the interface's address, with the
/// daemon's TTL and no loopback, and sends from the engine's thread without blocking; a backup's socket is bound to
/// the group on the interface and joined there, read by a thread of its own that hands each datagram to the engine's
/// thread through the command queue.
/// </summary>
public sealed class MulticastSyncLinks : ISyncDaemonLinks
{
    private readonly DirectorEngine _engine;
    private readonly EngineCommandQueue _commands;

    public MulticastSyncLinks(DirectorEngine engine, EngineCommandQueue commands, SyncSettings? settings = null)
    {
        _engine = engine;
        _commands = commands;
        Settings = settings ?? new SyncSettings();
    }

    public SyncSettings Settings { get; }

    /// <summary>Both daemons' counts, kept across starts and stops.</summary>
    public SyncCounters Counters { get; } = new();

    /// <summary>Received datagrams dropped because the engine had not yet taken the ones before (bounded queue).</summary>
    public long DroppedQueued => Interlocked.Read(ref _droppedQueued);

    private long _droppedQueued;

    public int? InterfaceMtu(string name) => SystemInterface.Mtu(name);

    public IDisposable Open(SyncDaemonConfig config)
    {
        var index = SystemInterface.Index(config.Interface) ?? throw new IpvsException(IpvsError.NoSuchDevice);
        try
        {
            return config.Role == SyncRole.Master ? OpenMaster(config, index) : OpenBackup(config, index);
        }
        catch (SocketException failed)
        {
            throw new IpvsException(IpvsError.BadArgument, failed.Message);
        }
    }

    private IDisposable OpenMaster(SyncDaemonConfig config, int index)
    {
        var v6 = config.Group.AddressFamily == AddressFamily.InterNetworkV6;
        var socket = new Socket(config.Group.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (v6)
            {
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastInterface, index);
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastLoopback, false);
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive, config.Ttl);
            }
            else
            {
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, IPAddress.HostToNetworkOrder(index));
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, false);
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, config.Ttl);
                // As bind_mcastif_addr: the messages come from the interface's own address.
                socket.Bind(new IPEndPoint(SystemInterface.Ipv4Address(config.Interface) ?? IPAddress.Any, 0));
            }
            socket.Connect(new IPEndPoint(config.Group, config.Port));
            socket.Blocking = false;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var master = new SyncMaster(_engine.Connections, config.SyncId, config.MaximumLength, new SocketSink(socket), Settings, Counters);
        _engine.SyncMaster = master;
        return new Closing(() =>
        {
            if (ReferenceEquals(_engine.SyncMaster, master))
            {
                master.Discard();
                _engine.SyncMaster = null;
            }
            socket.Dispose();
        });
    }

    private IDisposable OpenBackup(SyncDaemonConfig config, int index)
    {
        var socket = new Socket(config.Group.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            // SO_BINDTODEVICE, as the kernel binds its receiving socket to the interface.
            socket.SetRawSocketOption(1, 25, System.Text.Encoding.ASCII.GetBytes(config.Interface + "\0"));
            socket.Bind(new IPEndPoint(config.Group, config.Port));
            if (config.Group.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(config.Group, index));
            }
            else
            {
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(config.Group, index));
            }
            socket.ReceiveTimeout = 200;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var backup = new SyncBackup(_engine.Connections, _engine.Services, _engine.Neighbors, config.SyncId, Settings, Counters);
        var receiver = new BackupReceiver(socket, config.MaximumLength, datagram => Hand(backup, datagram));
        return receiver;
    }

    /// <summary>At most this many received datagrams wait for the engine's thread; more are dropped and counted.</summary>
    private const int MaximumQueued = 256;

    private int _queued;

    private void Hand(SyncBackup backup, byte[] datagram)
    {
        if (Interlocked.Increment(ref _queued) > MaximumQueued)
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Increment(ref _droppedQueued);
            return;
        }
        _ = _commands.RunOnEngineAsync(() =>
        {
            Interlocked.Decrement(ref _queued);
            backup.Apply(datagram, _engine.Now);
            return 0;
        }, CancellationToken.None);
    }

    private sealed class SocketSink(Socket socket) : ISyncMessageSink
    {
        public bool Send(ReadOnlySpan<byte> message)
        {
            try
            {
                return socket.Send(message, SocketFlags.None, out var error) == message.Length && error == SocketError.Success;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }

    private sealed class Closing(Action close) : IDisposable
    {
        public void Dispose() => close();
    }
}
