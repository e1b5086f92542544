namespace Forwarder.Conformance.Comparison;

/// <summary>
/// A listing under --nosort: the kernel walks its service hash table, whose hash mixes in the address of
/// the network namespace's IPVS state, so the order of services changes from boot to boot; each service's
/// destinations keep list order. Services are compared as a set of blocks, each block exactly.
/// </summary>
public static class UnsortedListing
{
    public static string Normalize(string listing)
    {
        var lines = listing.Split('\n');
        var heading = new List<string>();
        var blocks = new List<string>();
        foreach (var line in lines)
        {
            if (line.StartsWith("  ", StringComparison.Ordinal) && blocks.Count > 0)
            {
                blocks[^1] += "\n" + line;
            }
            else if (line.Length > 0 && char.IsUpper(line[0]) && heading.Count >= 3)
            {
                blocks.Add(line);
            }
            else
            {
                heading.Add(line);
            }
        }
        blocks.Sort(StringComparer.Ordinal);
        return string.Join('\n', heading.Concat(blocks));
    }
}
