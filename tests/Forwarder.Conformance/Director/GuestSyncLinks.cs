using Forwarder.Core.Sync;

namespace Forwarder.Conformance.Director;

/// <summary>
/// The sync daemons' view of the guest director's namespace: its interfaces lo, cli0 and srv0 (veths of MTU 1500) and no
/// eth0. Daemons only record their settings here: the scenarios compare ipvsadm's answers, not sync traffic.
/// </summary>
internal sealed class GuestSyncLinks : ISyncDaemonLinks
{
    public int? InterfaceMtu(string name) => name switch
    {
        "lo" => 65536,
        "cli0" or "srv0" => 1500,
        _ => null,
    };

    public IDisposable Open(SyncDaemonConfig config) => new Nothing();

    private sealed class Nothing : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
