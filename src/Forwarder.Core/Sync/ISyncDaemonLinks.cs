namespace Forwarder.Core.Sync;

/// <summary>
/// What a daemon needs outside the engine: its interface's MTU, and its socket and the engine's side of it while it
/// runs. The live director opens multicast sockets; tests and the conformance suite stand in for them.
/// </summary>
public interface ISyncDaemonLinks
{
    /// <summary>The interface's MTU, or null when there is no interface of that name.</summary>
    int? InterfaceMtu(string name);

    /// <summary>Starts the daemon's traffic; disposing stops it. A failure throws <see cref="Services.IpvsException"/>.</summary>
    IDisposable Open(SyncDaemonConfig config);
}
