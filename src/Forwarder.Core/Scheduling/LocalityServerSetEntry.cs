using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>lblcr's mapping of one target address to a set of servers, newest first, with when the set last changed.</summary>
internal sealed class LocalityServerSetEntry : LocalityEntry<LocalityServerSetEntry>
{
    public LocalityServerSetEntry(InetAddress address, Destination first, long now)
        : base(address, now)
    {
        Servers.Add(first);
        SetModified = now;
    }

    /// <summary>As the kernel's list: a new member goes to the front.</summary>
    public List<Destination> Servers { get; } = new(2);

    public long SetModified { get; set; }
}
