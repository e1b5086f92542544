using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>
/// dh, as <c>ip_vs_dh.c</c>: a 256-bucket table filled by walking the destination list round and round,
/// one bucket per destination whatever its weight, rebuilt on every add, remove and edit. A flow goes
/// to the bucket of its destination (target) address, hashed with the kernel's hash_32; if that
/// server is removed, quiescent or overloaded the flow gets nothing (dh has no fallback). Because the
/// key is the target address, every flow to one virtual address lands on one server: dh is meant for
/// services that see many target addresses (cache clusters, firewall-mark services).
/// </summary>
public sealed class DestinationHashingScheduler : IScheduler
{
    public const int TableBits = 8;
    public const int TableSize = 1 << TableBits;

    private readonly Destination?[] _buckets = new Destination?[TableSize];

    public string Name => "dh";

    public void Initialize(VirtualService service) => Reassign(service);

    public void OnDestinationAdded(VirtualService service, Destination destination) => Reassign(service);

    public void OnDestinationRemoved(VirtualService service, Destination destination, int formerIndex) => Reassign(service);

    public void OnDestinationUpdated(VirtualService service, Destination destination) => Reassign(service);

    /// <summary>The bucket the kernel uses for a host-order address.</summary>
    public static int BucketOf(uint address) => MultiplicativeHash.Fold(address, TableBits);

    /// <summary>The server a bucket holds (for tests and listings).</summary>
    public Destination? BucketServer(int bucket) => _buckets[bucket];

    public Destination? Schedule(VirtualService service, in FlowInfo flow)
    {
        var destination = _buckets[BucketOf(flow.DestinationAddress.Fold())];
        if (destination is null || !destination.IsAvailable || destination.Weight <= 0 || destination.IsOverloaded)
        {
            return null;
        }
        return destination;
    }

    private void Reassign(VirtualService service)
    {
        var list = service.Destinations;
        for (var bucket = 0; bucket < TableSize; bucket++)
        {
            _buckets[bucket] = list.Count == 0 ? null : list[bucket % list.Count];
        }
    }
}
