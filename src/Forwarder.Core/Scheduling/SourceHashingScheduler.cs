using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>
/// sh, as <c>ip_vs_sh.c</c>: a 256-bucket table filled by walking the destination list round and round,
/// each destination taking as many consecutive buckets as its weight (a quiescent one still takes one),
/// rebuilt on every add, remove and edit. A flow goes to bucket
/// <c>(offset + hash_32(port + source, 8)) mod 256</c> with offset 0 (see <see cref="MultiplicativeHash"/>),
/// where port is the client's port under sh-port (TCP, UDP and SCTP only) and 0 otherwise: the port is
/// added to the host-order address before hashing, the offset after. The server there must have
/// weight &gt; 0 and not be overloaded; otherwise, under sh-fallback, the kernel tries offsets 0..255
/// added to the first bucket number, which puts its n-th try at bucket <c>2 * first + n</c>, and stops
/// at an empty bucket.
/// </summary>
public sealed class SourceHashingScheduler : IScheduler, ISourceHashTable
{
    public const int TableBits = 8;
    public const int TableSize = 1 << TableBits;

    private readonly Destination?[] _buckets = new Destination?[TableSize];

    public string Name => "sh";

    public void Initialize(VirtualService service) => Reassign(service);

    public void OnDestinationAdded(VirtualService service, Destination destination) => Reassign(service);

    public void OnDestinationRemoved(VirtualService service, Destination destination, int formerIndex) => Reassign(service);

    public void OnDestinationUpdated(VirtualService service, Destination destination) => Reassign(service);

    /// <summary>The kernel's sh bucket for a host-order address and port, with the fallback offset added after the multiply.</summary>
    public static int BucketOf(uint address, ushort port, uint offset = 0) =>
        (int)(unchecked(offset + (uint)MultiplicativeHash.Fold(unchecked((uint)port + address), TableBits)) & (TableSize - 1));

    /// <summary>The server a bucket holds (for tests and listings).</summary>
    public Destination? BucketServer(int bucket) => _buckets[bucket];

    public Destination? Schedule(VirtualService service, in FlowInfo flow) => SourceHashChoice.Choose(this, flow, service.SchedulerFlags);

    int ISourceHashTable.Size => TableSize;

    Destination? ISourceHashTable.ServerAt(uint address, ushort port, uint offset) => _buckets[BucketOf(address, port, offset)];

    int ISourceHashTable.SlotOf(uint address, ushort port) => BucketOf(address, port);

    private void Reassign(VirtualService service)
    {
        var list = service.Destinations;
        var index = 0;
        var filled = 0;
        for (var bucket = 0; bucket < TableSize; bucket++)
        {
            if (list.Count == 0)
            {
                _buckets[bucket] = null;
                continue;
            }
            var destination = list[index];
            _buckets[bucket] = destination;
            // Stay on this destination until it holds as many buckets as its weight (at least one).
            if (++filled >= destination.Weight)
            {
                index = (index + 1) % list.Count;
                filled = 0;
            }
        }
    }
}
