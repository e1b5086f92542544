using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>lblc's mapping of one target address to one server.</summary>
internal sealed class LocalityServerEntry : LocalityEntry<LocalityServerEntry>
{
    public LocalityServerEntry(InetAddress address, Destination server, long now)
        : base(address, now)
    {
        Server = server;
    }

    public Destination Server { get; set; }
}
