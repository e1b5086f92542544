using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Listing;

/// <summary>
/// The order ipvsadm lists in (libipvs <c>ipvs_cmp_services</c>, <c>ipvs_cmp_dests</c>, sorted by the C
/// library's merge sort), or the table's own order under --nosort.
/// </summary>
internal static class ListingOrder
{
    public static IReadOnlyList<VirtualService> Services(IEnumerable<VirtualService> services, bool noSort)
    {
        var list = services.ToList();
        return noSort ? list : MergeSort(list, CompareServices);
    }

    /// <summary>Under --nosort, the kernel's list order: the head (the latest added) first.</summary>
    public static IReadOnlyList<Destination> Destinations(VirtualService service, bool noSort)
    {
        var list = service.Destinations.ToList();
        return noSort ? list : MergeSort(list, CompareDestinations);
    }

    /// <summary>
    /// As libipvs: by firewall mark (TCP/UDP services have 0), then family (IPv4's AF_INET before AF_INET6), then
    /// protocol (TCP before UDP), then address, then port. The marks compare as libipvs does, their unsigned
    /// difference taken as a signed int: so FWM services follow the TCP and UDP ones, except marks of 2^31 and over,
    /// which come first.
    /// </summary>
    public static int CompareServices(VirtualService left, VirtualService right)
    {
        var byMark = unchecked((int)(left.Key.FirewallMark - right.Key.FirewallMark));
        if (byMark != 0)
        {
            return byMark;
        }
        var byFamily = Family(left.Address) - Family(right.Address);
        if (byFamily != 0)
        {
            return byFamily;
        }
        var byProtocol = (int)left.Protocol - (int)right.Protocol;
        if (byProtocol != 0)
        {
            return byProtocol;
        }
        var byAddress = AddressDifference(left.Key.Address, right.Key.Address);
        return byAddress != 0 ? byAddress : left.Port - right.Port;
    }

    /// <summary>By address, then port.</summary>
    public static int CompareDestinations(Destination left, Destination right)
    {
        var byAddress = AddressDifference(left.Address, right.Address);
        return byAddress != 0 ? byAddress : left.Port - right.Port;
    }

    /// <summary>
    /// As libipvs: the unsigned difference of the host-order addresses taken as a signed int. Addresses more
    /// than 2^31 apart therefore compare the "wrong" way round (10.0.0.1 after 192.168.1.1), and ipvsadm shows that.
    /// An IPv6 address compares so word by word (four host-order 32-bit words), the left one's family deciding which.
    /// </summary>
    private static int AddressDifference(InetAddress left, InetAddress right)
    {
        if (left.IsIpv4)
        {
            return unchecked((int)(left.Ipv4Value - KernelWord(right, 0)));
        }
        var difference = 0;
        for (var word = 0; difference == 0 && word < 4; word++)
        {
            difference = unchecked((int)(KernelWord(left, word) - KernelWord(right, word)));
        }
        return difference;
    }

    /// <summary>Word <paramref name="index"/> of the kernel's nf_inet_addr: an IPv4 address fills the first, the rest are zero.</summary>
    private static uint KernelWord(InetAddress address, int index) => address.IsIpv4
        ? index == 0 ? address.Ipv4Value : 0
        : (uint)((index < 2 ? address.High : address.Low) >> (index % 2 == 0 ? 32 : 0));

    /// <summary>AF_INET (2) or AF_INET6 (10), whose difference libipvs sorts services by first.</summary>
    private static int Family(InetAddress address) => address.IsIpv4 ? 2 : 10;

    /// <summary>
    /// glibc's qsort merge sort (halves of n/2 and n - n/2, ties to the left run). The address comparison is
    /// not transitive across the wrap, so the algorithm, not just the comparison, decides the order.
    /// </summary>
    private static List<T> MergeSort<T>(List<T> items, Comparison<T> compare)
    {
        var buffer = new T[items.Count];
        var array = items.ToArray();
        Sort(array, buffer, 0, array.Length, compare);
        return [.. array];
    }

    private static void Sort<T>(T[] items, T[] buffer, int start, int count, Comparison<T> compare)
    {
        if (count <= 1)
        {
            return;
        }
        var leftCount = count / 2;
        var rightCount = count - leftCount;
        Sort(items, buffer, start, leftCount, compare);
        Sort(items, buffer, start + leftCount, rightCount, compare);
        int left = start, right = start + leftCount, leftEnd = start + leftCount, rightEnd = start + count, output = 0;
        while (left < leftEnd && right < rightEnd)
        {
            buffer[output++] = compare(items[left], items[right]) <= 0 ? items[left++] : items[right++];
        }
        while (left < leftEnd)
        {
            buffer[output++] = items[left++];
        }
        // What remains of the right run is already in place.
        Array.Copy(buffer, 0, items, start, output);
    }
}
