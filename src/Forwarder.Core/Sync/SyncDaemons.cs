using Forwarder.Core.Services;

namespace Forwarder.Core.Sync;

/// <summary>
/// The kernel's bookkeeping of its two sync daemons (<c>start_sync_thread</c>, <c>stop_sync_thread</c>): an unknown
/// interface is ENODEV, a second daemon of a role EEXIST, stopping one that does not run ESRCH; defaults are filled in
/// as the kernel fills them. The daemons' traffic is the links' business.
/// </summary>
public sealed class SyncDaemons : ISyncDaemonHost, IDisposable
{
    private readonly ISyncDaemonLinks _links;
    private readonly SyncDaemonConfig?[] _running = new SyncDaemonConfig?[2];
    private readonly IDisposable?[] _opened = new IDisposable?[2];

    public SyncDaemons(ISyncDaemonLinks links)
    {
        _links = links;
    }

    public SyncDaemonConfig? Running(SyncRole role) => _running[(int)role];

    public void Start(SyncRole role, SyncDaemonOptions options)
    {
        // The interface is looked up before the daemon already running is noticed, as in start_sync_thread.
        var mtu = _links.InterfaceMtu(options.Interface) ?? throw new IpvsException(IpvsError.NoSuchDevice);
        var config = SyncDaemonConfig.Resolve(role, options, mtu);
        if (_running[(int)role] is not null)
        {
            throw new IpvsException(IpvsError.DaemonExists);
        }
        _opened[(int)role] = _links.Open(config);
        _running[(int)role] = config;
    }

    public void Stop(SyncRole role)
    {
        if (_running[(int)role] is null)
        {
            throw new IpvsException(IpvsError.NoDaemonRunning);
        }
        _running[(int)role] = null;
        var opened = _opened[(int)role];
        _opened[(int)role] = null;
        opened?.Dispose();
    }

    /// <summary>Stops whatever runs (the director is stopping).</summary>
    public void Dispose()
    {
        foreach (var role in Enum.GetValues<SyncRole>())
        {
            if (_running[(int)role] is not null)
            {
                Stop(role);
            }
        }
    }
}
