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
    /// By firewall mark (TCP/UDP services have 0), then protocol (TCP before UDP), then address, then port. The marks
    /// compare as libipvs does, their unsigned difference taken as a signed int: so FWM services follow the TCP and
    /// UDP ones, except marks of 2^31 and over, which come first.
    /// </summary>
    public static int CompareServices(VirtualService left, VirtualService right)
    {
        var byMark = unchecked((int)(left.Key.FirewallMark - right.Key.FirewallMark));
        if (byMark != 0)
        {
            return byMark;
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
        var byAddress = AddressDifference(left.Address.Value, right.Address.Value);
        return byAddress != 0 ? byAddress : left.Port - right.Port;
    }

    /// <summary>
    /// As libipvs: the unsigned difference of the host-order addresses taken as a signed int. Addresses more
    /// than 2^31 apart therefore compare the "wrong" way round (10.0.0.1 after 192.168.1.1), and ipvsadm shows that.
    /// </summary>
    private static int AddressDifference(uint left, uint right) => unchecked((int)(left - right));

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
