namespace Forwarder.Ipvsadm.Listing;

/// <summary>The ipvsadm flags that change how a listing looks (its <c>FMT_*</c> bits).</summary>
public sealed record ListingOptions
{
    public static readonly ListingOptions Default = new();

    /// <summary>-n: addresses and ports as numbers, no name lookups.</summary>
    public bool Numeric { get; init; }

    /// <summary>--nosort: services and destinations in the table's own order instead of ipvsadm's sort.</summary>
    public bool NoSort { get; init; }

    /// <summary>--exact: counters in full instead of K/M/G/T.</summary>
    public bool Exact { get; init; }

    public ListingDetail Detail { get; init; } = ListingDetail.Standard;

    /// <summary>The connection hash table size the version line reports (the kernel's default is 4096).</summary>
    public int ConnectionTableSize { get; init; } = 4096;
}
