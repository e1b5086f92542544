namespace Forwarder.Core.Sync;

/// <summary>
/// Starts, stops and lists the sync daemons (what <c>ipvsadm --start-daemon</c>, <c>--stop-daemon</c> and
/// <c>-L --daemon</c> reach). A refusal is an <see cref="Services.IpvsException"/> with the kernel's error. Called on the
/// engine's thread.
/// </summary>
public interface ISyncDaemonHost
{
    SyncDaemonConfig? Running(SyncRole role);

    void Start(SyncRole role, SyncDaemonOptions options);

    void Stop(SyncRole role);
}
