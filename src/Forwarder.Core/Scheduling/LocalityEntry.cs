using Forwarder.Core.Frames;

namespace Forwarder.Core.Scheduling;

/// <summary>One target address in a lblc/lblcr table: the key, when it was last used, and its bucket chain link.</summary>
internal abstract class LocalityEntry<TSelf>
    where TSelf : LocalityEntry<TSelf>
{
    protected LocalityEntry(InetAddress address, long now)
    {
        Address = address;
        LastUse = now;
    }

    public InetAddress Address { get; }

    /// <summary>Engine clock (microseconds) of the last flow to this target.</summary>
    public long LastUse { get; set; }

    public TSelf? Next { get; set; }
}
